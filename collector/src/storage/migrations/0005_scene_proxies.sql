CREATE TABLE "demo_pages" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"publishable_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "demo_pages_publishable_key_check" CHECK (left("demo_pages"."publishable_key", 3) = 'pk_')
);
--> statement-breakpoint
CREATE TABLE "scene_proxies" (
	"project_id" uuid NOT NULL,
	"scene_id" text NOT NULL,
	"hash" text NOT NULL,
	"meshes" jsonb NOT NULL,
	"mesh_count" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scene_proxies_project_id_scene_id_pk" PRIMARY KEY("project_id","scene_id"),
	CONSTRAINT "scene_proxies_mesh_count_check" CHECK ("scene_proxies"."mesh_count" between 0 and 5000)
);
--> statement-breakpoint
ALTER TABLE "demo_pages" ADD CONSTRAINT "demo_pages_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scene_proxies" ADD CONSTRAINT "scene_proxies_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;