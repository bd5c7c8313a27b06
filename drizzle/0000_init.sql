CREATE SEQUENCE "public"."verdict_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hunt_id" bigint NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hunts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" bigint NOT NULL,
	"repo_id" bigint NOT NULL,
	"owner" text NOT NULL,
	"repo" text NOT NULL,
	"repo_url" text NOT NULL,
	"issue_number" integer NOT NULL,
	"comment_id" bigint,
	"comment_body" text,
	"mode" text DEFAULT 'tags' NOT NULL,
	"parent_hunt_id" bigint,
	"good" text NOT NULL,
	"bad" text NOT NULL,
	"state" text NOT NULL,
	"autopilot" boolean DEFAULT false NOT NULL,
	"workflow" text NOT NULL,
	"dispatch_ref" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"parallel" integer NOT NULL,
	"candidates" integer NOT NULL,
	"max_runs" integer NOT NULL,
	"permission" text DEFAULT 'write' NOT NULL,
	"timeout_minutes" integer NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"notice" text,
	"result" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hunt_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"token" text,
	"run_id" bigint,
	"attempt" integer DEFAULT 1 NOT NULL,
	"status" text NOT NULL,
	"conclusion" text,
	"verdict" text,
	"verdict_seq" bigint,
	"url" text,
	"round" integer NOT NULL,
	"manual_by" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "versions" (
	"hunt_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"names" jsonb NOT NULL,
	"sha" text NOT NULL,
	"title" text,
	CONSTRAINT "versions_hunt_id_position_pk" PRIMARY KEY("hunt_id","position")
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_hunt_id_hunts_id_fk" FOREIGN KEY ("hunt_id") REFERENCES "public"."hunts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_hunt_id_hunts_id_fk" FOREIGN KEY ("hunt_id") REFERENCES "public"."hunts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "versions" ADD CONSTRAINT "versions_hunt_id_hunts_id_fk" FOREIGN KEY ("hunt_id") REFERENCES "public"."hunts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_by_hunt" ON "events" USING btree ("hunt_id");--> statement-breakpoint
CREATE UNIQUE INDEX "hunts_one_active_per_issue" ON "hunts" USING btree ("repo_id","issue_number") WHERE state in ('searching', 'paused');--> statement-breakpoint
CREATE INDEX "hunts_by_issue" ON "hunts" USING btree ("repo_id","issue_number");--> statement-breakpoint
CREATE INDEX "runs_by_hunt" ON "runs" USING btree ("hunt_id");--> statement-breakpoint
CREATE INDEX "runs_by_run_id" ON "runs" USING btree ("run_id");