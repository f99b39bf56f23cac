/** Who reads what is posted where a command was typed. */
import type { ChatRef, Invoker } from '../types.js';

/** A chat with the bot seen by the invoker alone (a Telegram private chat's id is the user's). */
export const isPrivateTo = (origin: ChatRef, invoker: Invoker): boolean => origin.platform === invoker.platform && origin.chatId === invoker.userId;
