CREATE TABLE "business_calendars" (
	"site_id" text PRIMARY KEY NOT NULL,
	"time_zone" text NOT NULL,
	"hours" jsonb NOT NULL,
	"holidays" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "complaint_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" text NOT NULL,
	"complaint_id" bigint NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "complaint_root_causes" (
	"site_id" text NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	CONSTRAINT "complaint_root_causes_site_id_code_pk" PRIMARY KEY("site_id","code")
);
--> statement-breakpoint
CREATE TABLE "complaint_routes" (
	"site_id" text NOT NULL,
	"category" text NOT NULL,
	"department" text NOT NULL,
	"sla_business_min" integer NOT NULL,
	CONSTRAINT "complaint_routes_site_id_category_pk" PRIMARY KEY("site_id","category")
);
--> statement-breakpoint
CREATE TABLE "report_forecasts" (
	"site_id" text NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text DEFAULT '' NOT NULL,
	"day" text NOT NULL,
	"offered" integer,
	"aht_sec" double precision,
	"agents" integer,
	CONSTRAINT "report_forecasts_site_id_scope_scope_id_day_pk" PRIMARY KEY("site_id","scope","scope_id","day")
);
--> statement-breakpoint
CREATE TABLE "report_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" text NOT NULL,
	"kind" text NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text DEFAULT '' NOT NULL,
	"period" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ms" integer DEFAULT 0 NOT NULL,
	"report" jsonb NOT NULL,
	CONSTRAINT "report_runs_kind" CHECK ("report_runs"."kind" in ('daily', 'weekly'))
);
--> statement-breakpoint
CREATE TABLE "report_targets" (
	"site_id" text NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text DEFAULT '' NOT NULL,
	"metric" text NOT NULL,
	"kind" text NOT NULL,
	"target" double precision NOT NULL,
	"valid_from" text DEFAULT '1970-01-01' NOT NULL,
	CONSTRAINT "report_targets_site_id_scope_scope_id_metric_valid_from_pk" PRIMARY KEY("site_id","scope","scope_id","metric","valid_from"),
	CONSTRAINT "report_targets_kind" CHECK ("report_targets"."kind" in ('min', 'max'))
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "team_id" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "campaign_id" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "priority" text DEFAULT 'normal' NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "customer_ref" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "survey_score" real;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "sla_business_min" integer;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "paused_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "source_key" text;--> statement-breakpoint
ALTER TABLE "interval_aggregates" ADD COLUMN "staffed" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "complaint_events_complaint" ON "complaint_events" USING btree ("complaint_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "report_runs_key" ON "report_runs" USING btree ("site_id","kind","scope","scope_id","period");--> statement-breakpoint
CREATE INDEX "complaints_site_opened" ON "complaints" USING btree ("site_id","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_site_source_key" ON "complaints" USING btree ("site_id","source_key");--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_channel" CHECK (channel in ('wrapup', 'survey', 'form'));