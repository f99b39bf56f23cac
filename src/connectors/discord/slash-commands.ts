/**
 * The one `/jamii` slash command, generated from the core command registry: each core command
 * is a subcommand with a single optional text option holding the rest of the command, exactly
 * what the typed form takes (`/jamii edit input:12 New text`).
 */
import { ApplicationCommandOptionType, ApplicationCommandType, Routes, type REST, type RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import { commandSummary, type CommandSpec } from '../../core/commands/command-registry.js';
import { DISCORD_COMMAND_DESCRIPTION_MAX_CHARS } from './limits.js';
import { JAMII_COMMAND_INPUT_OPTION, JAMII_COMMAND_NAME } from './parse.js';

function describe(text: string): string {
  return text.length <= DISCORD_COMMAND_DESCRIPTION_MAX_CHARS ? text : `${text.slice(0, DISCORD_COMMAND_DESCRIPTION_MAX_CHARS - 1)}…`;
}

/** The command list to PUT: one `/jamii` with a subcommand per core command. */
export function jamiiCommandBody(commands: ReadonlyArray<Pick<CommandSpec<unknown>, 'name' | 'summary' | 'role' | 'usage' | 'parse'>>): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      name: JAMII_COMMAND_NAME,
      type: ApplicationCommandType.ChatInput,
      description: 'Jamii: drafts waiting for a decision and manager commands',
      // Visible to everyone (managers may be named by user id or role); Jamii checks and audits who may run it.
      default_member_permissions: null,
      dm_permission: false,
      options: commands.map((c) => {
        const takesInput = c.usage.trim().includes(' ');
        return {
          type: ApplicationCommandOptionType.Subcommand,
          name: c.name,
          description: describe(commandSummary(c)),
          options: takesInput
            ? [{ type: ApplicationCommandOptionType.String, name: JAMII_COMMAND_INPUT_OPTION, description: describe(c.usage.replace(/^\/\S+\s*/, '')), required: false }]
            : [],
        };
      }),
    },
  ];
}

/** Registers the commands: to one guild (instant, for development) or globally. */
export async function registerSlashCommands(rest: REST, applicationId: string, guildId: string | undefined, body: RESTPutAPIApplicationCommandsJSONBody): Promise<void> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
}
