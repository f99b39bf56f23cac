DROP INDEX "roles_grant_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "roles_grant_source_uq" ON "roles" USING btree ("community_id","platform","platform_user_id","role","source");