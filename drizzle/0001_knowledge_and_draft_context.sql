CREATE TABLE "knowledge_chunks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" bigint NOT NULL,
	"community_id" text NOT NULL,
	"kind" text NOT NULL,
	"heading" text,
	"question" text,
	"text" text NOT NULL,
	"language" text,
	"position" integer NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(question, '') || ' ' || coalesce(heading, '') || ' ' || text)) STORED NOT NULL,
	"title_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(question, '') || ' ' || coalesce(heading, ''))) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_sources" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"path" text NOT NULL,
	"origin" text NOT NULL,
	"content_hash" text NOT NULL,
	"draft_id" integer,
	"created_by" text,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "model" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "merged_message_ids" bigint[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "sources" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "translation" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "flags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "answered_by_name" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "answered_by_message_id" bigint;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_source_id_knowledge_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."knowledge_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD CONSTRAINT "knowledge_sources_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_search_idx" ON "knowledge_chunks" USING gin ("search");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_community_idx" ON "knowledge_chunks" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_source_idx" ON "knowledge_chunks" USING btree ("source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_sources_community_path_uq" ON "knowledge_sources" USING btree ("community_id","path");--> statement-breakpoint
CREATE INDEX "drafts_merged_messages_idx" ON "drafts" USING gin ("merged_message_ids");