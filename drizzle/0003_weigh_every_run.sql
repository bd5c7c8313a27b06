CREATE TABLE "workflow_flakes" (
	"repo_id" bigint NOT NULL,
	"workflow" text NOT NULL,
	"false_failures" double precision DEFAULT 0 NOT NULL,
	"good_runs" double precision DEFAULT 0 NOT NULL,
	"false_passes" double precision DEFAULT 0 NOT NULL,
	"bad_runs" double precision DEFAULT 0 NOT NULL,
	"hunts" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_flakes_repo_id_workflow_pk" PRIMARY KEY("repo_id","workflow")
);
--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "confidence" double precision DEFAULT 0.99 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "flake_rate" double precision DEFAULT 0.05 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "flake_history" jsonb;--> statement-breakpoint
ALTER TABLE "hunts" DROP COLUMN "repeat";--> statement-breakpoint
ALTER TABLE "hunts" DROP COLUMN "fail_threshold";--> statement-breakpoint
ALTER TABLE "hunts" DROP COLUMN "verify_endpoints";--> statement-breakpoint
ALTER TABLE "hunts" DROP COLUMN "confirm";