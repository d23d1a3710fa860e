CREATE TABLE "agg_error_sessions" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"fingerprint" text NOT NULL,
	"session_id" text NOT NULL,
	CONSTRAINT "agg_error_sessions_project_id_scene_id_fingerprint_hour_session_id_pk" PRIMARY KEY("project_id","scene_id","fingerprint","hour","session_id")
);
