CREATE TABLE "agg_visitor_hashes" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"visitor_hash" text NOT NULL,
	"last_seen_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_visitor_hashes_project_id_scene_id_day_visitor_hash_pk" PRIMARY KEY("project_id","scene_id","day","visitor_hash")
);
--> statement-breakpoint
CREATE TABLE "agg_custom_events" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"name" text NOT NULL,
	"property" text NOT NULL,
	"value" text NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_custom_events_project_id_scene_id_hour_name_property_value_pk" PRIMARY KEY("project_id","scene_id","hour","name","property","value")
);
--> statement-breakpoint
CREATE TABLE "agg_daily_visitors" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"visitors" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_daily_visitors_project_id_scene_id_day_pk" PRIMARY KEY("project_id","scene_id","day")
);
--> statement-breakpoint
CREATE TABLE "agg_errors" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"fingerprint" text NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"first_seen_ms" bigint DEFAULT 0 NOT NULL,
	"last_seen_ms" bigint DEFAULT 0 NOT NULL,
	"message" text,
	"source" text,
	CONSTRAINT "agg_errors_project_id_scene_id_hour_fingerprint_pk" PRIMARY KEY("project_id","scene_id","hour","fingerprint")
);
--> statement-breakpoint
CREATE TABLE "agg_histograms" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"device_type" text NOT NULL,
	"browser" text NOT NULL,
	"bucket" integer NOT NULL,
	"weight" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_histograms_project_id_scene_id_hour_metric_device_type_browser_bucket_pk" PRIMARY KEY("project_id","scene_id","hour","metric","device_type","browser","bucket")
);
--> statement-breakpoint
CREATE TABLE "agg_mesh_attention" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"mesh" text NOT NULL,
	"clicks" bigint DEFAULT 0 NOT NULL,
	"picks" bigint DEFAULT 0 NOT NULL,
	"pointer_moves" bigint DEFAULT 0 NOT NULL,
	"hovers" bigint DEFAULT 0 NOT NULL,
	"dwell_ms" bigint DEFAULT 0 NOT NULL,
	"visible_ms" bigint DEFAULT 0 NOT NULL,
	"centre_ms" bigint DEFAULT 0 NOT NULL,
	"max_screen_permille" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_mesh_attention_project_id_scene_id_hour_mesh_pk" PRIMARY KEY("project_id","scene_id","hour","mesh")
);
--> statement-breakpoint
CREATE TABLE "agg_perf_totals" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"device_type" text NOT NULL,
	"browser" text NOT NULL,
	"windows" bigint DEFAULT 0 NOT NULL,
	"frames" bigint DEFAULT 0 NOT NULL,
	"long_frames" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_perf_totals_project_id_scene_id_hour_device_type_browser_pk" PRIMARY KEY("project_id","scene_id","hour","device_type","browser")
);
--> statement-breakpoint
CREATE TABLE "agg_traffic_sources" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"medium" text NOT NULL,
	"sessions" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_traffic_sources_project_id_scene_id_hour_source_medium_pk" PRIMARY KEY("project_id","scene_id","hour","source","medium")
);
--> statement-breakpoint
CREATE TABLE "agg_view_directions" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"azimuth_bin" integer NOT NULL,
	"elevation_bin" integer NOT NULL,
	"samples" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_view_directions_project_id_scene_id_hour_azimuth_bin_elevation_bin_pk" PRIMARY KEY("project_id","scene_id","hour","azimuth_bin","elevation_bin")
);
--> statement-breakpoint
CREATE TABLE "agg_voxels" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"voxel_mm" integer NOT NULL,
	"vx" integer NOT NULL,
	"vy" integer NOT NULL,
	"vz" integer NOT NULL,
	"hits" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "agg_voxels_project_id_scene_id_day_kind_voxel_mm_vx_vy_vz_pk" PRIMARY KEY("project_id","scene_id","day","kind","voxel_mm","vx","vy","vz")
);
--> statement-breakpoint
CREATE TABLE "funnels" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"steps" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "funnels_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "first_event_ms" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_event_ms" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "ended_duration_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "clicks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "picks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "custom_events" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "errors" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "steps" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "medium" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "campaign" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "source_confidence" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "source_rule" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "source_rules_version" integer;--> statement-breakpoint
ALTER TABLE "funnels" ADD CONSTRAINT "funnels_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The guard of a flush (collector/src/ingest/write-buffer.ts): rollup rows are folded for the
-- whole flush, so the flush may only commit if every one of its batches was new to the ledger.
CREATE FUNCTION vantage_all_batches_new(inserted integer, expected integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF inserted <> expected THEN
    RAISE EXCEPTION 'flush holds a batch already stored (% of % new)', inserted, expected USING ERRCODE = 'VT001';
  END IF;
  RETURN true;
END
$$;
