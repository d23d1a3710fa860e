CREATE TABLE "drops_daily" (
	"project_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "drops_daily_project_id_day_reason_pk" PRIMARY KEY("project_id","day","reason")
);
--> statement-breakpoint
CREATE TABLE "identity_links" (
	"project_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"anonymous_id" text DEFAULT '' NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identity_links_project_id_session_id_anonymous_id_user_id_pk" PRIMARY KEY("project_id","session_id","anonymous_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "rate_buckets" (
	"project_id" uuid NOT NULL,
	"bucket" text NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_buckets_project_id_bucket_pk" PRIMARY KEY("project_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"project_id" uuid NOT NULL,
	"id" text NOT NULL,
	"scene_id" text NOT NULL,
	"privacy_mode" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"visitor_hash" text NOT NULL,
	"ip_hash" text,
	"url" text,
	"referrer_origin" text,
	"gpu_class" text,
	"lang" text,
	"browser" text,
	"os" text,
	"device_type" text,
	"country" text,
	"anonymous_id" text,
	"user_id" text,
	"batches" integer DEFAULT 0 NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sessions_project_id_id_pk" PRIMARY KEY("project_id","id"),
	CONSTRAINT "sessions_privacy_mode_check" CHECK ("sessions"."privacy_mode" in ('standard', 'strict', 'paranoid'))
);
--> statement-breakpoint
CREATE TABLE "usage_monthly" (
	"project_id" uuid NOT NULL,
	"month" timestamp with time zone NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	"batches" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_monthly_project_id_month_pk" PRIMARY KEY("project_id","month")
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "monthly_event_quota" bigint;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "rate_limits" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "identity_links_project_id_anonymous_id_idx" ON "identity_links" USING btree ("project_id","anonymous_id");--> statement-breakpoint
CREATE INDEX "identity_links_project_id_user_id_idx" ON "identity_links" USING btree ("project_id","user_id");--> statement-breakpoint
CREATE INDEX "identity_links_project_id_linked_at_idx" ON "identity_links" USING btree ("project_id","linked_at");--> statement-breakpoint
CREATE INDEX "sessions_project_id_last_seen_at_idx" ON "sessions" USING btree ("project_id","last_seen_at");--> statement-breakpoint
CREATE INDEX "sessions_project_id_visitor_hash_idx" ON "sessions" USING btree ("project_id","visitor_hash");--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_monthly_event_quota_check" CHECK ("projects"."monthly_event_quota" >= 0);