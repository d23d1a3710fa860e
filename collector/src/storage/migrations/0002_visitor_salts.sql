CREATE TABLE "visitor_salts" (
	"project_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period_hours" integer NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"salt" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visitor_salts_project_id_kind_period_hours_period_start_pk" PRIMARY KEY("project_id","kind","period_hours","period_start"),
	CONSTRAINT "visitor_salts_kind_check" CHECK ("visitor_salts"."kind" in ('visitor', 'ip')),
	CONSTRAINT "visitor_salts_period_hours_check" CHECK ("visitor_salts"."period_hours" between 1 and 8760),
	CONSTRAINT "visitor_salts_salt_length_check" CHECK (octet_length("visitor_salts"."salt") = 32)
);
