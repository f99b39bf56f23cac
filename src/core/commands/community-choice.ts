/**
 * The one community a command such as /news, /feeds or /prompt acts on. A leading community id
 * names it (`/news alpha`); without one it is the only community in reach: the invoker's among a
 * desk's communities, or anywhere else all of theirs. When several are in reach (a desk several
 * communities share, a private chat), the command asks which, naming them.
 */
import type { CommunityDirectory } from '../communities.js';
import { JamiiError } from '../errors.js';
import { splitFirst } from './command-parser.js';

export interface CommunityChoiceInput {
  /** The command's name, for the example in a question. */
  command: string;
  args: string;
  /** Communities the command may act on from this chat (the dispatcher's narrowing). */
  inReach: readonly string[];
  /** Every community where the invoker holds the command's role. */
  held: readonly string[];
  /** Typed in a desk (not the invoker's private chat): `inReach` is that desk's share of `held`. */
  atDesk: boolean;
  directory: CommunityDirectory;
}

/** The community chosen and the arguments after its id; or a community the invoker holds no role in. */
export type CommunityChoice = { communityId: string; args: string } | { refusedIn: string };

/**
 * Picks the community; throws `bad_arguments` when it is unclear or out of this desk's reach.
 * A named community the invoker holds no role in comes back as `refusedIn`, to be refused and audited.
 */
export function chooseCommunity(input: CommunityChoiceInput): CommunityChoice {
  const { directory, inReach } = input;
  const [first, rest] = splitFirst(input.args);
  const named = directory.list().find((c) => c.id === first.toLowerCase());
  const choices = inReach.map((id) => `${id} (${directory.get(id).name})`).join(', ');
  if (named) {
    if (inReach.includes(named.id)) return { communityId: named.id, args: rest };
    if (!input.held.includes(named.id)) return { refusedIn: named.id };
    throw new JamiiError('bad_arguments', `This desk does not serve ${named.id}: send it from a desk of ${named.id}. Here: ${choices}.`);
  }
  if (inReach.length === 1) return { communityId: inReach[0]!, args: input.args };
  const where = input.atDesk ? 'This desk serves several of your communities' : 'You can act on several communities';
  const example = `/${input.command} ${inReach[0]}${input.args.trim() ? ' …' : ''}`;
  throw new JamiiError('bad_arguments', `Which community? ${where}: ${choices}. Put the id of the one you mean first, for example ${example}`);
}
