CREATE TABLE "agent_skills" (
	"site_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"skill" text NOT NULL,
	"level" integer NOT NULL,
	CONSTRAINT "agent_skills_site_id_agent_id_skill_pk" PRIMARY KEY("site_id","agent_id","skill"),
	CONSTRAINT "agent_skills_level" CHECK ("agent_skills"."level" between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE "agent_state_history" (
	"site_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"from_at" timestamp (3) with time zone NOT NULL,
	"to_at" timestamp (3) with time zone,
	"state" text NOT NULL,
	"reason" text,
	"team_id" text,
	"source" text NOT NULL,
	CONSTRAINT "agent_state_history_site_id_agent_id_from_at_pk" PRIMARY KEY("site_id","agent_id","from_at")
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"team_id" text,
	"queues" text[] DEFAULT '{}'::text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_site_id_id_pk" PRIMARY KEY("site_id","id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"actor_user_id" text,
	"actor_role" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"from_address" text,
	"before" jsonb,
	"after" jsonb,
	"prev_hash" text,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"queue_id" text NOT NULL,
	"last_queue_id" text NOT NULL,
	"path" text[] NOT NULL,
	"direction" text NOT NULL,
	"status" text NOT NULL,
	"result" text,
	"priority" integer DEFAULT 5 NOT NULL,
	"offered_at" timestamp (3) with time zone NOT NULL,
	"entered_at" timestamp (3) with time zone NOT NULL,
	"answered_at" timestamp (3) with time zone,
	"abandoned_at" timestamp (3) with time zone,
	"ended_at" timestamp (3) with time zone,
	"wrap_end_at" timestamp (3) with time zone,
	"wait_ms" bigint,
	"handle_ms" bigint,
	"hold_ms" bigint DEFAULT 0 NOT NULL,
	"agent_id" text,
	"team_id" text,
	"transfers" integer DEFAULT 0 NOT NULL,
	"missed_offers" integer DEFAULT 0 NOT NULL,
	"ended_by" text,
	"disposition" text,
	"notes" text,
	"revenue" double precision,
	"survey_score" real,
	"campaign_id" text,
	"lead_id" text,
	"from_number" text,
	"to_number" text,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"attributes" jsonb,
	"source" text NOT NULL,
	CONSTRAINT "calls_site_id_id_pk" PRIMARY KEY("site_id","id"),
	CONSTRAINT "calls_direction" CHECK ("calls"."direction" in ('inbound', 'outbound')),
	CONSTRAINT "calls_result" CHECK (result is null or result in ('answered', 'abandoned', 'rejected', 'transferred'))
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "complaints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" text NOT NULL,
	"call_id" text,
	"agent_id" text,
	"queue_id" text,
	"channel" text NOT NULL,
	"category" text,
	"department" text,
	"status" text DEFAULT 'open' NOT NULL,
	"root_cause" text,
	"description" text,
	"opened_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp (3) with time zone,
	"resolved_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "complaints_status" CHECK (status in ('open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'))
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "import_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" text NOT NULL,
	"format" text NOT NULL,
	"path" text NOT NULL,
	"file_sha256" text NOT NULL,
	"file_bytes" bigint NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_imported" integer DEFAULT 0 NOT NULL,
	"rows_skipped" integer DEFAULT 0 NOT NULL,
	"skipped" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"quirks" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"calls_inserted" integer DEFAULT 0 NOT NULL,
	"calls_updated" integer DEFAULT 0 NOT NULL,
	"calls_unchanged" integer DEFAULT 0 NOT NULL,
	"state_rows" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "import_runs_status" CHECK ("import_runs"."status" in ('running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "interval_aggregates" (
	"site_id" text NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text DEFAULT '' NOT NULL,
	"interval_start" timestamp (3) with time zone NOT NULL,
	"interval_min" integer NOT NULL,
	"counters" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "interval_aggregates_site_id_scope_scope_id_interval_min_interval_start_pk" PRIMARY KEY("site_id","scope","scope_id","interval_min","interval_start"),
	CONSTRAINT "interval_aggregates_scope" CHECK ("interval_aggregates"."scope" in ('site', 'queue', 'team', 'agent', 'campaign'))
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"name_vi" text,
	"direction" text DEFAULT 'inbound' NOT NULL,
	"priority" integer DEFAULT 5 NOT NULL,
	"routing" text DEFAULT 'observe' NOT NULL,
	"wrapup_sec" integer DEFAULT 0 NOT NULL,
	"skills" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queues_site_id_id_pk" PRIMARY KEY("site_id","id"),
	CONSTRAINT "queues_direction" CHECK ("queues"."direction" in ('inbound', 'outbound'))
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"locale" text DEFAULT 'vi' NOT NULL,
	"interval_min" integer DEFAULT 15 NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stream_positions" (
	"stream_key" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"last_id" text NOT NULL,
	"entries" bigint DEFAULT 0 NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"lead_user_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_site_id_id_pk" PRIMARY KEY("site_id","id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"agent_id" text,
	"team_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"password_hash" text,
	"disabled_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_site_id_id_pk" PRIMARY KEY("site_id","id"),
	CONSTRAINT "users_role" CHECK (role in ('admin', 'supervisor', 'team_lead', 'agent', 'qa', 'telephony'))
);
--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_agent_fk" FOREIGN KEY ("site_id","agent_id") REFERENCES "public"."agents"("site_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_team_fk" FOREIGN KEY ("site_id","team_id") REFERENCES "public"."teams"("site_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_state_history_site_from" ON "agent_state_history" USING btree ("site_id","from_at");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_hash" ON "audit_log" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "audit_log_site_at" ON "audit_log" USING btree ("site_id","at");--> statement-breakpoint
CREATE INDEX "calls_site_offered" ON "calls" USING btree ("site_id","offered_at");--> statement-breakpoint
CREATE INDEX "calls_site_queue_offered" ON "calls" USING btree ("site_id","queue_id","offered_at");--> statement-breakpoint
CREATE INDEX "calls_site_agent_offered" ON "calls" USING btree ("site_id","agent_id","offered_at");--> statement-breakpoint
CREATE INDEX "complaints_site_status" ON "complaints" USING btree ("site_id","status");--> statement-breakpoint
CREATE INDEX "import_runs_sha" ON "import_runs" USING btree ("file_sha256");--> statement-breakpoint
CREATE INDEX "interval_aggregates_site_start" ON "interval_aggregates" USING btree ("site_id","interval_start");