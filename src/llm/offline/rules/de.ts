/** German rules for the offline labeller: chat German as written in Germany, Austria and Switzerland. */
import { together, type LanguageRules } from './types.js';

const DURATION = ` (\\d+|einen|eine|einer|einem|zwei|drei|vier|fünf|sechs|sieben|mehrere|mehreren|paar|ganze|ganzen) (minuten|stunde|stunden|tag|tage|tagen|woche|wochen|monat|monate|monaten) `;
const WAITING = ` (warte|warten|wartet|gewartet|wartezeit) `;
/** "hat 6 Tage gedauert" states how long something took: a complaint only beside other evidence. */
const TOOK = ` (gedauert|dauerte|dauert|gebraucht|brauchte) `;

export const DE_RULES: LanguageRules = {
  stopwords: ['der', 'die', 'das', 'und', 'ist', 'ich', 'nicht', 'ein', 'eine', 'zu', 'mit', 'es', 'sich', 'auf', 'für', 'den', 'dem', 'von', 'auch', 'ihr', 'wir', 'mein', 'meine', 'meinen', 'wie', 'wo', 'wann', 'warum', 'noch', 'schon', 'aber', 'bei', 'nach', 'kann', 'hat', 'habe', 'bin', 'sind', 'mir', 'mich', 'euch', 'jemand', 'bitte', 'danke', 'heute', 'seit', 'oder', 'wenn', 'nur', 'doch', 'mal', 'gibt', 'einer', 'einen', 'hallo', 'sehr', 'echt', 'kein', 'keine', 'wieder', 'immer', 'ob', 'wird', 'wurde', 'euer', 'eure', 'bestellung', 'lieferung', 'paket', 'guten', 'morgen', 'abend', 'zusammen', 'leute', 'vielen', 'dank', 'du', 'hast', 'dir', 'dich', 'habt', 'alles', 'gerne'],
  why: ['warum', 'wieso', 'weshalb'],
  interrogatives: ['wie', 'was', 'wo', 'wann', 'warum', 'wieso', 'weshalb', 'wozu', 'wer', 'wen', 'wem', 'wessen', 'welche', 'welcher', 'welches', 'welchen', 'wohin', 'woher', 'wieviel', 'wie viel', 'wie viele', 'weiß jemand', 'weiss jemand'],
  weakInterrogatives: [],
  trailingInterrogatives: [],
  inSitu: null,
  inversion: /^ (kann|könnt|können|könnte|könntet|darf|dürfen|muss|müssen|soll|sollte|gibt|gab|hat|habt|haben|hatte|ist|sind|seid|wird|werden|wurde|liefert|versendet|bietet|nehmt|akzeptiert|funktioniert|geht|kommt|bekomme|bekommt|krieg|kriege) (ich|man|ihr|sie|es|jemand|das|die|der|den|mein|meine|du|wir|euer|eure|irgendwer|einer) /u,
  leadIns: ['hallo', 'hi', 'hey', 'moin', 'servus', 'leute', 'zusammen', 'ihr', 'lieben', 'liebe', 'guten', 'morgen', 'tag', 'abend', 'ok', 'okay', 'also', 'und', 'aber', 'kurze', 'frage', 'sorry', 'entschuldigung', 'bitte', 'mal', 'ähm', 'na', 'übrigens', 'sag', 'sagt', 'oh'],
  requests: [
    / (weiß|weiss) (hier )?(jemand|einer|wer) /u,
    / (kann|könnte) mir (jemand|einer|wer|bitte) /u,
    / (könnt|können|könntet) (ihr|sie) mir /u,
    / (bitte|bitte mal) (sagt|sagen|helft|helfen|schickt|schicken|gebt|geben|prüft|prüfen|erklärt|erklären|meldet) /u,
    / (ich )?(möchte|würde gerne|wüsste gerne|will) (gern |gerne )?wissen /u,
    / hat (hier )?(jemand|einer|wer) (eine )?(ahnung|erfahrung|tipp|tipps) /u,
    / (ich suche|ich finde (\S+ )?nicht|brauche hilfe|brauche eure hilfe|ich brauche (die|den|eine|einen) (nummer|link|rechnung|adresse)) /u,
    /^ (kurze |eine )?frage /u,
  ],
  rhetorical: [
    / wer (denkt|dachte) sich (\S+ ){0,4}aus /u,
    / wer hat sich das (ausgedacht|überlegt) /u,
    / was soll (das|der mist|der quatsch|dieser mist) /u,
    / (ist das|soll das) (ein witz|euer ernst|ihr ernst|normal) /u,
    / (soll das ein witz sein|seid ihr (noch )?(zu retten|ernst)) /u,
    / wie oft (denn )?noch /u,
    / wer (zahlt|ersetzt|erstattet) mir /u,
  ],
  notQuestions: [
    /^ (wie|was für ein|was für eine) (schön|toll|cool|super|nett|lieb|süß|klasse|genial)/u,
    /^ (hallo |hi |hey )?(wie geht's|wie geht es (euch|dir|ihnen)|was geht|alles klar)( \S+)? $/u,
  ],
  admiration: / (weiß|weiss) nicht wie (ihr|sie) .* aber /u,
  negative: {
    katastrophe: 3, katastrophal: 3, furchtbar: 3, schrecklich: 3, 'unverschämt*': 3, frechheit: 3, betrug: 3, abzocke: 3, abgezockt: 3, 'betrüger*': 3, miserabel: 3, grottig: 3, unbrauchbar: 3, nutzlos: 3, zumutung: 3, 'nie wieder': 3, 'schlimmste*': 3, 'schlechteste*': 3, scheiße: 3, 'scheiß*': 3, 'scheiss*': 3, wütend: 3, skandal: 3, 'skandalös': 3,
    'schlecht*': 2, 'enttäuscht*': 2, enttäuschend: 2, enttäuschung: 2, kaputt: 2, 'defekt*': 2, ärgerlich: 2, nervig: 2, nervt: 2, genervt: 2, 'absturz*': 2, 'beschwerde*': 2, verloren: 2, 'beschädigt*': 2, zerbrochen: 2, zerkratzt: 2, unfreundlich: 2, unhöflich: 2, mies: 2, mist: 2, 'schlimm*': 2, sauer: 2, 'frustriert*': 2, frustrierend: 2, unmöglich: 2, lächerlich: 2, peinlich: 2, gefälscht: 2, fake: 2, überteuert: 2, ignoriert: 2, 'funktioniert nicht': 2, 'funktioniert nicht mehr': 2, 'geht nicht mehr': 2, 'keine antwort': 2, 'unzufrieden*': 2, 'schade': 1, 'ätzend': 2, 'nervtötend': 2, rückschritt: 2, nachgelassen: 2,
    reklamation: 1, rückerstattung: 1, erstattung: 1, 'verspät*': 1, langsam: 1, teuer: 1, fehler: 1, 'problem*': 1, falsch: 1, falsche: 1, fehlt: 1, 'nicht angekommen': 1, 'nicht da': 1, storniert: 1, 'ohne erklärung': 1,
  },
  grievances: [
    { pattern: together(WAITING, DURATION), weight: 2, label: 'lange Wartezeit' },
    { pattern: together(TOOK, DURATION), weight: 1, label: 'wie lange es gedauert hat', circumstance: true },
    { pattern: / (niemand|keiner|kein mensch) (\S+ )?(antwortet|meldet sich|hilft|reagiert|ruft zurück|antwortete|geht ran|geht dran|nimmt ab|sagt mir was|sagt mir bescheid|sagt was) /u, weight: 2, label: 'keine Antwort' },
    { pattern: / (keine|ohne|null) (antwort|rückmeldung|reaktion|antworten) /u, weight: 2, label: 'keine Antwort' },
    { pattern: / ((zweimal|doppelt) (\S+ ){0,3}(abgebucht|belastet|berechnet|bezahlt|abgezogen)|(abgebucht|berechnet|belastet) (\S+ ){0,2}(zweimal|doppelt)) /u, weight: 2, label: 'doppelt abgebucht' },
    { pattern: / (bestelle (hier )?nicht mehr|kündige|ich bin raus|wechsle zu|letzte mal bestellt) /u, weight: 3, label: 'will gehen' },
    { pattern: / (stürzt|stürzen|schmiert|schmieren) (\S+ ){0,3}ab /u, weight: 2, label: 'stürzt ab' },
    { pattern: / (früher|vorher|die alte version|die alte app) (war|lief|ging) (\S+ ){0,2}(besser|einfacher|schneller) /u, weight: 2, label: 'früher war es besser' },
    { pattern: /^ (na )?(toll|super|klasse|prima|großartig|danke auch) /u, weight: 1, label: 'Ironie', irony: true },
    { pattern: / (versprochen|zugesagt|hieß es|hieß) .* (aber|und jetzt|immer noch|trotzdem) /u, weight: 2, label: 'gebrochenes Versprechen' },
    { pattern: / (zum )?(zweiten|dritten|vierten|fünften) mal /u, weight: 1, label: 'schon wieder' },
  ],
  praise: ['super', 'toll', 'klasse', 'prima', 'großartig', 'perfekt', 'genial', 'zufrieden', 'gut', 'bestens', 'hervorragend', 'wunderbar', 'spitze'],
  persistence: ['schon wieder', 'wieder mal', 'immer noch', 'noch immer', 'ständig', 'jedes mal', 'jedesmal', 'erneut'],
  negations: ['nicht', 'kein', 'keine', 'keinen', 'keiner', 'nie', 'niemals', 'ohne', 'kaum', 'nichts'],
  intensifiers: ['sehr', 'total', 'echt', 'wirklich', 'extrem', 'völlig', 'absolut', 'so', 'zu', 'mega', 'richtig', 'voll', 'ganz'],
};
