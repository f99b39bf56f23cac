CREATE TABLE "member_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" bigint NOT NULL,
	"platform_user_id" text NOT NULL,
	"display_name" text NOT NULL,
	"is_bot" boolean DEFAULT false NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "member_events" ADD CONSTRAINT "member_events_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "member_events_uq" ON "member_events" USING btree ("chat_id","platform_user_id","kind","occurred_at");--> statement-breakpoint
CREATE INDEX "member_events_chat_time_idx" ON "member_events" USING btree ("chat_id","occurred_at");