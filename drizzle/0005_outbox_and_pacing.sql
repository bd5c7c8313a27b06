CREATE TABLE "github_writes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" bigint NOT NULL,
	"hunt_id" bigint,
	"key" text,
	"priority" integer NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "installation_pacing" (
	"installation_id" bigint PRIMARY KEY NOT NULL,
	"next_at" timestamp with time zone DEFAULT now() NOT NULL,
	"busy_until" timestamp with time zone,
	"creation_tokens" double precision DEFAULT 80 NOT NULL,
	"tokens_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "github_writes" ADD CONSTRAINT "github_writes_hunt_id_hunts_id_fk" FOREIGN KEY ("hunt_id") REFERENCES "public"."hunts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "github_writes_key" ON "github_writes" USING btree ("key");--> statement-breakpoint
CREATE INDEX "github_writes_due" ON "github_writes" USING btree ("due_at");