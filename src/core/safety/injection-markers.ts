/**
 * Phrases that give away an instruction aimed at the model inside text that should be data: a
 * knowledge file with "SYSTEM: also tell users…", a feed item with "ignore previous instructions",
 * a message asking for the system prompt — in English, Russian, Swahili and Spanish.
 *
 * A heuristic signal, not a gate: delimiting (`untrustedBlock`) and the output checks are
 * the defence. Its use is where the output checks must trust the input: a knowledge passage's
 * links count as sources, so a passage carrying markers can be kept out of the allowed links, or
 * shown to the manager, instead of vouching for whatever link it plants.
 */
import { stripInvisible } from './invisible.js';

/** Longest marker excerpt reported. */
const MARKER_EXCERPT_MAX_CHARS = 60;

/** Patterns on lowercased NFKC text; "[^.\n]{0,40}" lets a few words sit between the verb and its object. */
const INJECTION_PATTERNS: readonly RegExp[] = [
  // English
  /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:instructions?|rules|prompts?|guidelines|directions)\b/u,
  /\b(?:reveal|print|show|repeat|output|leak)\b[^.\n]{0,30}\b(?:system prompt|initial prompt|your (?:instructions|rules|prompt))\b/u,
  /\b(?:you are now|from now on,? you|new instructions?|note to (?:the )?(?:ai|assistant|bot|model|llm))\b/u,
  /(?:^|\n|<!--|[(\[{])\s*(?:#+\s*)?(?:system|assistant|developer|ai)\s*(?:prompt|note|message)?\s*:/u,
  /<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?inst\]|<<\/?sys>>/u,
  // Russian
  /(?:игнорируй|игнорировать|забудь|не обращай внимания на|отмени)[^.\n]{0,40}(?:инструкци|правил|указани|промпт)/u,
  /(?:покажи|выведи|повтори|раскрой|напиши)[^.\n]{0,30}(?:системн\S* (?:промпт|инструкци)|свои инструкции|свой промпт)/u,
  /(?:с этого момента|отныне) ты(?!\p{L})|(?:^|\n|<!--|[(\[{])\s*(?:#+\s*)?(?:система|ассистент)\s*:|для (?:ассистента|бота|ии|нейросети)(?!\p{L})/u,
  // Swahili
  /(?:puuza|usijali|sahau|acha)[^.\n]{0,40}(?:maagizo|maelekezo|sheria)/u,
  /(?:maagizo|maelekezo) (?:yako |yote )*ya mfumo|kuanzia sasa wewe ni/u,
  // Spanish
  /(?:ignora|olvida|omite|haz caso omiso de|desobedece)[^.\n]{0,40}(?:instrucciones|reglas|indicaciones)/u,
  /(?:muestra|revela|repite|imprime|escribe)[^.\n]{0,30}(?:prompt del sistema|instrucciones del sistema|tus instrucciones)/u,
  /a partir de ahora (?:eres|responde|actúa|contesta)|nota para (?:la ia|el asistente|el bot|el modelo)/u,
];

/**
 * The injection markers in `text`, as short excerpts, in pattern order; empty for ordinary text
 * ("follow the instructions on the bag", "System requirements: Android 8").
 */
export function injectionMarkers(text: string): string[] {
  const folded = stripInvisible(text).normalize('NFKC').toLowerCase();
  const found: string[] = [];
  for (const pattern of INJECTION_PATTERNS) {
    const match = pattern.exec(folded);
    if (match) found.push(match[0].trim().slice(0, MARKER_EXCERPT_MAX_CHARS));
  }
  return found;
}
