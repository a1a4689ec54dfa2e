CREATE TABLE "metric_param_versions" (
	"site_id" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"site" jsonb NOT NULL,
	"queues" jsonb NOT NULL,
	CONSTRAINT "metric_param_versions_site_id_at_pk" PRIMARY KEY("site_id","at")
);
