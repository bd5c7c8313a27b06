// Public surface of the commands module: the pure parser, the registry and the command types.

export type { Command, CommandKind, ParsedLine, StartOptions } from "./types.js";
export type { CommandPermission, CommandSpec, StartOptionSpec } from "./registry.js";
export {
  COMMANDS,
  COMMAND_PREFIX,
  START_OPTIONS,
  commandByKeyword,
  renderHelp,
  requiredPermission,
} from "./registry.js";
export {
  INTERNAL_PARSE_ERROR,
  MAX_BODY_CHARS,
  MAX_COMMANDS_PER_BODY,
  MAX_FILTER_CHARS,
  MAX_INPUTS_JSON_CHARS,
  MAX_NOTE_CHARS,
  MAX_PARALLEL,
  MIN_PARALLEL,
  MAX_TAG_CHARS,
  MAX_USER_INPUTS,
  MAX_WORKFLOW_INPUTS,
  RESERVED_INPUT_NAMES,
  isValidTagOrSha,
  newCommandLines,
  parseCommandLine,
  parseCommands,
  tagNameProblem,
  workflowInputsProblem,
} from "./parse.js";
