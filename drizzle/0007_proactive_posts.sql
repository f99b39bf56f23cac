ALTER TABLE "drafts" ALTER COLUMN "message_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "target_chat_id" bigint;--> statement-breakpoint
UPDATE "drafts" SET "target_chat_id" = "messages"."chat_id" FROM "messages" WHERE "messages"."id" = "drafts"."message_id";--> statement-breakpoint
ALTER TABLE "drafts" ALTER COLUMN "target_chat_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "poll" jsonb;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "details" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "poll" jsonb;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "image" jsonb;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_target_chat_id_chats_id_fk" FOREIGN KEY ("target_chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "drafts_dedupe_uq" ON "drafts" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "drafts_target_chat_idx" ON "drafts" USING btree ("target_chat_id","kind","created_at");