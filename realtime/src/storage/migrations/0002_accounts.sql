CREATE TABLE "user_access" (
	"site_id" text NOT NULL,
	"user_id" text NOT NULL,
	"access" text NOT NULL,
	"granted_by" text,
	"granted_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_access_site_id_user_id_access_pk" PRIMARY KEY("site_id","user_id","access"),
	CONSTRAINT "user_access_kind" CHECK (access in ('console', 'phone', 'campaigns'))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seq" bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "outcome" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "token_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "user_access" ADD CONSTRAINT "user_access_user_fk" FOREIGN KEY ("site_id","user_id") REFERENCES "public"."users"("site_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_site_seq" ON "audit_log" USING btree ("site_id","seq");--> statement-breakpoint
CREATE INDEX "audit_log_site_actor" ON "audit_log" USING btree ("site_id","actor_user_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_site_action" ON "audit_log" USING btree ("site_id","action","at");