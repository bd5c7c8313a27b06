ALTER TABLE "hunts" ADD COLUMN "repeat" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "fail_threshold" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "verify_endpoints" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "confirm" boolean DEFAULT true NOT NULL;