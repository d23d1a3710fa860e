CREATE TABLE "api_keys" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_keys_project_id_id_pk" PRIMARY KEY("project_id","id"),
	CONSTRAINT "api_keys_project_id_token_hash_unique" UNIQUE("project_id","token_hash"),
	CONSTRAINT "api_keys_kind_check" CHECK ("api_keys"."kind" in ('pk', 'sk'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text DEFAULT '' NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "dlq" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"content_type" text NOT NULL,
	"session_id" text,
	"seq" integer,
	"event_index" integer,
	"envelope" jsonb,
	"payload" "bytea" NOT NULL,
	"replayed_at" timestamp with time zone,
	CONSTRAINT "dlq_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "event_counts_hourly" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "event_counts_hourly_project_id_scene_id_hour_type_pk" PRIMARY KEY("project_id","scene_id","hour","type")
);
--> statement-breakpoint
CREATE TABLE "ingest_batches" (
	"project_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"scene_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"events" integer NOT NULL,
	"dropped" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ingest_batches_project_id_session_id_seq_pk" PRIMARY KEY("project_id","session_id","seq")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"privacy_mode" text DEFAULT 'standard' NOT NULL,
	"retention_days" integer DEFAULT 90 NOT NULL,
	"hash_rotation_hours" integer,
	"allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "projects_privacy_mode_check" CHECK ("projects"."privacy_mode" in ('standard', 'strict', 'paranoid')),
	CONSTRAINT "projects_retention_days_check" CHECK ("projects"."retention_days" between 1 and 3650),
	CONSTRAINT "projects_hash_rotation_hours_check" CHECK ("projects"."hash_rotation_hours" between 1 and 8760)
);
--> statement-breakpoint
CREATE TABLE "scenes" (
	"project_id" uuid NOT NULL,
	"id" text NOT NULL,
	"capture" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sampling" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_url" text,
	"bounds" jsonb,
	"voxel_size_mm" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scenes_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_project_id_at_idx" ON "audit_log" USING btree ("project_id","at");--> statement-breakpoint
CREATE INDEX "dlq_project_id_received_at_idx" ON "dlq" USING btree ("project_id","received_at");--> statement-breakpoint
CREATE INDEX "ingest_batches_project_id_received_at_idx" ON "ingest_batches" USING btree ("project_id","received_at");