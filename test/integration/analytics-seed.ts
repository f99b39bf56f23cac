/**
 * A hand-built week of community history (2026-11-02 .. 2026-11-08, Monday to Sunday, UTC)
 * plus a little of the week before, for the analytics tests. The expected numbers in those
 * tests are counted by hand from the rows below.
 */
import type { Database } from '../../src/db/database.js';

export const SEED_COMMUNITY = 'default';

const SEED_SQL = `
insert into chats (id, platform, platform_chat_id, title, community_id) values
  (9101, 'sandbox', 'an-general', 'General', 'default'),
  (9102, 'sandbox', 'an-help', 'Help', 'default'),
  (9103, 'telegram', '-100777', 'TG Main', 'default');

insert into members (id, platform, platform_user_id, display_name, is_bot) values
  (9001, 'sandbox', 'alice', 'Alice', false),
  (9002, 'sandbox', 'bob', 'Bob', false),
  (9003, 'sandbox', 'carol', 'Carol', false),
  (9004, 'sandbox', 'dave', 'Dave', false),
  (9005, 'sandbox', 'erin', 'Erin', false),
  (9006, 'telegram', 'gina', 'Gina', false),
  (9007, 'sandbox', 'jamii', 'Jamii', true);

insert into member_events (chat_id, platform_user_id, display_name, is_bot, kind, occurred_at) values
  (9101, 'erin', 'Erin', false, 'joined', '2026-10-28T09:00:00Z'),
  (9101, 'alice', 'Alice', false, 'joined', '2026-11-02T09:00:00Z'),
  (9101, 'bob', 'Bob', false, 'joined', '2026-11-03T10:00:00Z'),
  (9101, 'carol', 'Carol', false, 'joined', '2026-11-03T11:00:00Z'),
  (9101, 'carol', 'Carol', false, 'left', '2026-11-05T12:00:00Z'),
  (9101, 'carol', 'Carol', false, 'joined', '2026-11-06T08:00:00Z'),
  (9101, 'helper-bot', 'Helper', true, 'joined', '2026-11-04T08:00:00Z'),
  (9101, 'dave', 'Dave', false, 'left', '2026-11-07T10:00:00Z'),
  (9103, 'gina', 'Gina', false, 'joined', '2026-11-04T07:00:00Z'),
  (9101, 'frank', 'Frank', false, 'joined', '2026-11-09T00:00:00Z');

insert into messages (id, chat_id, platform_message_id, thread_id, author_id, text, reply_to_platform_message_id, labels, is_question, is_negative, severity, from_bot, created_at) values
  (95016, 9101, 'p5016', null, 9005, 'hi all', null, null, false, false, 0, false, '2026-10-28T10:00:00Z'),
  (95017, 9101, 'p5017', null, 9005, 'where is the FAQ?', null, null, true, false, 0, false, '2026-10-29T10:00:00Z'),
  (95019, 9103, 'p5019', null, 9006, 'early bird here', null, null, false, false, 0, false, '2026-11-01T22:00:00Z'),
  (95001, 9101, 'p5001', null, 9001, 'How do I reset my password?', null, '{"topic":"account"}', true, false, 0, false, '2026-11-02T10:00:00Z'),
  (95002, 9101, 'p5002', null, 9002, 'Settings, then Security', 'p5001', null, false, false, 0, false, '2026-11-02T10:30:00Z'),
  (95003, 9101, 'p5003', null, 9002, 'When is the next billing cycle?', null, '{"topic":"billing"}', true, false, 0, false, '2026-11-03T12:00:00Z'),
  (95004, 9101, 'p5004', null, 9003, 'Anyone know delivery times?', null, '{"topic":"delivery"}', true, false, 0, false, '2026-11-03T13:00:00Z'),
  (95012, 9101, 'p5012', null, 9007, 'The cycle starts on the 1st.', 'p5003', null, false, false, 0, true, '2026-11-03T12:12:00Z'),
  (95005, 9101, 'p5005', null, 9004, 'Delivery is terrible, my order is late again', null, '{"topic":"delivery"}', false, true, 2, false, '2026-11-04T09:00:00Z'),
  (95013, 9102, 'p5013', null, 9003, 'Is there a refund policy?', null, null, true, false, 0, false, '2026-11-04T13:00:00Z'),
  (95014, 9102, 'p5014', null, 9001, 'Yes, 30 days', 'p5013', null, false, false, 0, false, '2026-11-04T13:03:00Z'),
  (95015, 9103, 'p5015', null, 9006, 'hello everyone', null, null, false, false, 0, false, '2026-11-04T10:00:00Z'),
  (95006, 9101, 'p5006', null, 9004, 'still nothing', null, null, false, true, 1, false, '2026-11-05T10:00:00Z'),
  (95007, 9101, 'p5007', null, 9005, 'The app crashed', null, '{"topic":"app"}', false, true, 1, false, '2026-11-05T15:00:00Z'),
  (95018, 9101, 'p5018', 'p5007', 9001, 'Update to 2.1, that fixes it', null, null, false, false, 0, false, '2026-11-05T15:10:00Z'),
  (95008, 9101, 'p5008', null, 9005, 'thanks, works now', null, null, false, false, 0, false, '2026-11-06T09:00:00Z'),
  (95009, 9101, 'p5009', null, 9001, 'This is a scam', null, '{"topic":"billing"}', false, true, 3, false, '2026-11-06T20:00:00Z'),
  (95010, 9101, 'p5010', null, 9002, 'good night', null, null, false, false, 0, false, '2026-11-08T23:59:00Z'),
  (95011, 9101, 'p5011', null, 9002, 'good morning', null, null, false, false, 0, false, '2026-11-09T00:00:00Z');

insert into drafts (id, message_id, target_chat_id, community_id, kind, text, original_text, status, reason, language, prompt_name, prompt_version, provider, decided_by, decided_by_name, decided_at, created_at) values
  (9901, 95003, (select chat_id from messages where id = 95003), 'default', 'question', 'The cycle starts on the 1st.', 'The cycle starts on the 1st.', 'sent', 'question', 'en', 'offline-question', '1', 'offline', 'sandbox:manager', 'manager', '2026-11-03T12:11:00Z', '2026-11-03T12:01:00Z'),
  (9902, 95004, (select chat_id from messages where id = 95004), 'default', 'question', 'Usually 3 days.', 'Usually 3 days.', 'rejected', 'question', 'en', 'offline-question', '1', 'offline', 'sandbox:manager', 'manager', '2026-11-03T14:01:00Z', '2026-11-03T13:01:00Z'),
  (9903, 95005, (select chat_id from messages where id = 95005), 'default', 'negative', 'Sorry about the delay, we are on it.', 'Sorry.', 'sent', 'negative', 'en', 'offline-negative', '1', 'offline', 'sandbox:manager', 'manager', '2026-11-04T09:31:00Z', '2026-11-04T09:01:00Z'),
  (9904, 95009, (select chat_id from messages where id = 95009), 'default', 'negative', 'We hear you.', 'We hear you.', 'expired', 'negative', 'en', 'offline-negative', '1', 'offline', null, null, null, '2026-11-06T20:01:00Z'),
  (9905, 95013, (select chat_id from messages where id = 95013), 'default', 'question', 'Refunds within 30 days.', 'Refunds within 30 days.', 'approved', 'question', 'en', 'offline-question', '1', 'offline', 'sandbox:manager', 'manager', '2026-11-04T13:05:00Z', '2026-11-04T13:02:00Z'),
  (9906, 95006, (select chat_id from messages where id = 95006), 'default', 'negative', 'Checking.', 'Checking.', 'pending', 'negative', 'en', 'offline-negative', '1', 'offline', null, null, null, '2026-11-05T10:01:00Z');

insert into outbox (kind, dedupe_key, draft_id, platform, platform_chat_id, text, status, created_at, sent_at) values
  ('card', 'an-card-1', 9901, 'sandbox', 'desk', 'card', 'sent', '2026-11-03T12:01:00Z', '2026-11-03T12:01:30Z'),
  ('reply', 'an-reply-1', 9901, 'sandbox', 'an-general', 'The cycle starts on the 1st.', 'sent', '2026-11-03T12:11:00Z', '2026-11-03T12:12:00Z'),
  ('reply', 'an-reply-3', 9903, 'sandbox', 'an-general', 'Sorry about the delay, we are on it.', 'sent', '2026-11-04T09:31:00Z', '2026-11-04T09:32:00Z'),
  ('reply', 'an-reply-5', 9905, 'sandbox', 'an-help', 'Refunds within 30 days.', 'sent', '2026-11-04T13:05:00Z', '2026-11-04T13:06:00Z');
`;

export async function seedAnalyticsHistory(db: Database): Promise<void> {
  await db.sql.executeSql(SEED_SQL);
}
