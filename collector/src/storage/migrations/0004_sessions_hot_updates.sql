DROP INDEX "sessions_project_id_last_seen_at_idx";--> statement-breakpoint
CREATE INDEX "sessions_project_id_started_at_idx" ON "sessions" USING btree ("project_id","started_at");--> statement-breakpoint
ALTER TABLE "sessions" SET (fillfactor = 70);