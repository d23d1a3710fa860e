CREATE TABLE "session_chunks" (
	"project_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"scene_id" text NOT NULL,
	"start_ms" bigint NOT NULL,
	"end_ms" bigint NOT NULL,
	"events" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_chunks_project_id_session_id_seq_pk" PRIMARY KEY("project_id","session_id","seq")
);
--> statement-breakpoint
CREATE INDEX "session_chunks_project_id_received_at_idx" ON "session_chunks" USING btree ("project_id","received_at");