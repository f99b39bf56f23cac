/**
 * The shape of one language's rule table for the offline labeller. Phrases are matched on word
 * tokens (lowercased), so `*` at the end of a word matches any ending ("crash*" → "crashed");
 * patterns are regular expressions over the message's tokens joined by single spaces, with one
 * space added at each end, so " how hard is it " matches whole words in every script.
 */
export interface WeightedPattern {
  pattern: RegExp;
  weight: number;
  /** How the evidence is named in the reasons a manager sees. */
  label: string;
  /** An ironic opener ("ну отлично, …"): weighs in, but is not by itself the complaint that makes praise sarcastic. */
  irony?: true;
  /** A circumstance, not a grievance ("took 6 days", answering how long delivery takes): weighs in beside other evidence, but is not by itself the complaint that makes praise sarcastic. */
  circumstance?: true;
}

export interface LanguageRules {
  /** Frequent function words that identify the language. */
  stopwords: readonly string[];
  /** "Why": asked around a problem it asks for an explanation of a failure, a complaint as well as a question. */
  why: readonly string[];
  /** Words or phrases that open a question ("how", "где", "je", "dónde"). */
  interrogatives: readonly string[];
  /** Openers that also start statements ("а", "hay", "kuna"): trusted in short sentences only. */
  weakInterrogatives: readonly string[];
  /** Interrogatives that ask at the end of a clause too (Swahili "lini", "wapi"; Russian "есть"). */
  trailingInterrogatives: readonly string[];
  /** Interrogatives that ask wherever they stand in the sentence (Swahili "saa ngapi", Spanish "dónde"). */
  inSitu: RegExp | null;
  /** Word order that asks: an auxiliary before its subject ("is the app", "can i"). */
  inversion: RegExp | null;
  /** Words skipped before an opener: greetings, vocatives and particles ("hey", "а", "oigan"). */
  leadIns: readonly string[];
  /** Requests for an answer in statement form: "anyone know", "please tell me", "quisiera saber". */
  requests: readonly RegExp[];
  /** Question-shaped complaints that expect no answer: "who even…", "what's the point…". */
  rhetorical: readonly RegExp[];
  /** Question-shaped sentences that ask nothing: exclamations and greetings ("how nice", "habari zenu"). */
  notQuestions: readonly RegExp[];
  /** "I don't know how you do it, but…": admiration, not a request for help. */
  admiration: RegExp | null;
  /** Complaint vocabulary, weight 1 (mild) to 3 (strong). */
  negative: Readonly<Record<string, number>>;
  /** Complaint patterns that need word order: long waits, unanswered messages, double charges, leaving. */
  grievances: readonly WeightedPattern[];
  /** Praise: negated it complains ("not happy"); next to a complaint it is sarcasm ("great, late again"). */
  praise: readonly string[];
  /** Something went wrong again or still does: "again", "still", "опять", "bado", "otra vez". */
  persistence: readonly string[];
  negations: readonly string[];
  intensifiers: readonly string[];
}

/** A pattern that matches when `a` and `b` both occur, in either order: "waited … 3 weeks", "3 weeks … waiting". */
export function together(a: string, b: string): RegExp {
  return new RegExp(`^(?=.*(?:${a}))(?=.*(?:${b}))`, 'u');
}
