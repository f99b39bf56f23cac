DROP INDEX "roles_grant_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "roles_grant_source_uq" ON "roles" USING btree ("community_id","platform","platform_user_id","role","source");--> statement-breakpoint
-- Grants from Discord roles and Slack user groups were written for chats no community lists (an
-- owner of any server the bot was in could become a manager): they are written again, the new
-- way, at each person's next interaction.
DELETE FROM "roles" WHERE "source" IN ('discord-roles', 'slack-groups');
