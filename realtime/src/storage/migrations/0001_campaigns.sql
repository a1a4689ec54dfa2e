CREATE TABLE "campaign_attempts" (
	"campaign_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"call_id" text NOT NULL,
	"phone" text NOT NULL,
	"result" text NOT NULL,
	"dialed_at" timestamp (3) with time zone NOT NULL,
	"connection" text,
	"agent_id" text,
	"team_id" text,
	"disposition" text,
	"revenue" double precision,
	"offer" text,
	"ended_at" timestamp (3) with time zone,
	CONSTRAINT "campaign_attempts_campaign_id_lead_id_attempt_pk" PRIMARY KEY("campaign_id","lead_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"site_id" text NOT NULL,
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"queue_id" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"dialing_mode" text DEFAULT 'progressive' NOT NULL,
	"priority" integer DEFAULT 5 NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"start_at" timestamp (3) with time zone,
	"end_at" timestamp (3) with time zone,
	"script" text DEFAULT '' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_type" CHECK ("campaigns"."type" in ('telesales', 'survey')),
	CONSTRAINT "campaigns_status" CHECK ("campaigns"."status" in ('draft', 'running', 'paused', 'stopped', 'completed')),
	CONSTRAINT "campaigns_mode" CHECK ("campaigns"."dialing_mode" in ('preview', 'progressive', 'predictive'))
);
--> statement-breakpoint
CREATE TABLE "do_not_call" (
	"scope" text NOT NULL,
	"phone" text NOT NULL,
	"reason" text,
	"added_by" text,
	"added_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "do_not_call_scope_phone_pk" PRIMARY KEY("scope","phone")
);
--> statement-breakpoint
CREATE TABLE "lead_assignments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_assignments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"agent_id" text,
	"team_id" text,
	"reason" text NOT NULL,
	"assigned_by" text,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_imports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_imports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"file_name" text,
	"status" text DEFAULT 'running' NOT NULL,
	"bytes_total" bigint,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"inserted" integer DEFAULT 0 NOT NULL,
	"merged" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"campaign_id" text NOT NULL,
	"id" text NOT NULL,
	"phone" text NOT NULL,
	"name" text,
	"customer_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"segment" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp (3) with time zone,
	"last_result" text,
	"last_disposition" text,
	"assigned_agent_id" text,
	"assigned_team_id" text,
	"import_id" bigint,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leads_campaign_id_id_pk" PRIMARY KEY("campaign_id","id")
);
--> statement-breakpoint
CREATE TABLE "survey_answers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "survey_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"lead_id" text,
	"customer_id" text NOT NULL,
	"call_id" text,
	"queue_id" text,
	"segment" text,
	"question_id" text NOT NULL,
	"kind" text NOT NULL,
	"score" double precision,
	"text" text,
	"answered_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_questions" (
	"campaign_id" text NOT NULL,
	"id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "survey_questions_campaign_id_id_pk" PRIMARY KEY("campaign_id","id"),
	CONSTRAINT "survey_questions_kind" CHECK ("survey_questions"."kind" in ('nps', 'csat', 'yes_no', 'text'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_attempts_call" ON "campaign_attempts" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "campaign_attempts_campaign_dialed" ON "campaign_attempts" USING btree ("campaign_id","dialed_at");--> statement-breakpoint
CREATE INDEX "campaigns_site" ON "campaigns" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "lead_assignments_lead" ON "lead_assignments" USING btree ("campaign_id","lead_id");--> statement-breakpoint
CREATE INDEX "lead_imports_campaign" ON "lead_imports" USING btree ("campaign_id");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_campaign_phone" ON "leads" USING btree ("campaign_id","phone");--> statement-breakpoint
CREATE INDEX "leads_campaign_status" ON "leads" USING btree ("campaign_id","status");--> statement-breakpoint
CREATE INDEX "leads_customer" ON "leads" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_answers_once" ON "survey_answers" USING btree ("campaign_id","customer_id","call_id","question_id");--> statement-breakpoint
CREATE INDEX "survey_answers_campaign_at" ON "survey_answers" USING btree ("campaign_id","answered_at");--> statement-breakpoint
CREATE INDEX "survey_answers_kind_at" ON "survey_answers" USING btree ("kind","answered_at");