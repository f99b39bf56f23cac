CREATE TABLE "prompt_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"body" text,
	"comment" text,
	"created_by" text NOT NULL,
	"created_by_name" text NOT NULL,
	"rollback_of" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prompt_versions" ADD CONSTRAINT "prompt_versions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "prompt_versions_community_name_version_uq" ON "prompt_versions" USING btree ("community_id","name","version");--> statement-breakpoint
CREATE INDEX "prompt_versions_created_idx" ON "prompt_versions" USING btree ("created_at");