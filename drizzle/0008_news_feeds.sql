CREATE TABLE "feed_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"feed_id" bigint NOT NULL,
	"community_id" text NOT NULL,
	"guid" text NOT NULL,
	"link" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"title_key" text NOT NULL,
	"published_at" timestamp with time zone,
	"fetched_at" timestamp with time zone NOT NULL,
	"duplicate_of" bigint,
	"score" real,
	"score_reason" text,
	"scored_by" text
);
--> statement-breakpoint
CREATE TABLE "feeds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"url" text NOT NULL,
	"name" text,
	"title" text,
	"source" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"etag" text,
	"last_modified" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"broken_notified" boolean DEFAULT false NOT NULL,
	"next_poll_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_polled_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "news_posted_items" (
	"chat_id" bigint NOT NULL,
	"item_id" bigint NOT NULL,
	"draft_id" integer,
	"posted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "news_slots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" bigint NOT NULL,
	"community_id" text NOT NULL,
	"slot_key" text NOT NULL,
	"outcome" text NOT NULL,
	"draft_id" integer,
	"handled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feed_items" ADD CONSTRAINT "feed_items_feed_id_feeds_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."feeds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feeds" ADD CONSTRAINT "feeds_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "news_posted_items" ADD CONSTRAINT "news_posted_items_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "news_posted_items" ADD CONSTRAINT "news_posted_items_item_id_feed_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."feed_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "news_slots" ADD CONSTRAINT "news_slots_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feed_items_feed_guid_uq" ON "feed_items" USING btree ("feed_id","guid");--> statement-breakpoint
CREATE INDEX "feed_items_community_link_idx" ON "feed_items" USING btree ("community_id","link");--> statement-breakpoint
CREATE INDEX "feed_items_community_fetched_idx" ON "feed_items" USING btree ("community_id","fetched_at");--> statement-breakpoint
CREATE UNIQUE INDEX "feeds_community_url_uq" ON "feeds" USING btree ("community_id","url");--> statement-breakpoint
CREATE INDEX "feeds_due_idx" ON "feeds" USING btree ("next_poll_at") WHERE active;--> statement-breakpoint
CREATE UNIQUE INDEX "news_posted_items_uq" ON "news_posted_items" USING btree ("chat_id","item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "news_slots_chat_slot_uq" ON "news_slots" USING btree ("chat_id","slot_key");--> statement-breakpoint
CREATE INDEX "news_slots_chat_handled_idx" ON "news_slots" USING btree ("chat_id","handled_at");