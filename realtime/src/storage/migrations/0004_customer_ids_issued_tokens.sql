CREATE TABLE "issued_tokens" (
	"site_id" text NOT NULL,
	"jti" text NOT NULL,
	"subject" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"agent_id" text,
	"team_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"revoked_by" text,
	CONSTRAINT "issued_tokens_site_id_jti_pk" PRIMARY KEY("site_id","jti")
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "customer_id" text;--> statement-breakpoint
CREATE INDEX "issued_tokens_site_issued" ON "issued_tokens" USING btree ("site_id","issued_at");--> statement-breakpoint
CREATE INDEX "calls_site_customer_offered" ON "calls" USING btree ("site_id","customer_id","offered_at");