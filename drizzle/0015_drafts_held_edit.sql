ALTER TABLE "drafts" ADD COLUMN "held_edit_by" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "held_edit_by_name" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "held_edit_at" timestamp with time zone;