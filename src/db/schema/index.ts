export * from './audit.js';
export * from './chats.js';
export * from './communities.js';
export * from './drafts.js';
export * from './members.js';
export * from './messages.js';
export * from './outbox.js';
export * from './sandbox.js';
