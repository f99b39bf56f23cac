/**
 * French rules for the offline labeller: France, Belgium, Switzerland, Quebec and Africa. Elisions
 * are their own tokens ("j'attends" → "j'" "attends", see tokenize), so terms are written without them.
 */
import { together, type LanguageRules } from './types.js';

const DURATION = ` (\\d+|un|une|deux|trois|quatre|cinq|six|sept|plusieurs|quelques) (minutes?|heures?|jours?|semaines?|mois) `;
const WAITING = ` (attends|attend|attendons|attendre|attendu|patiente) `;
/** "ça a pris 6 jours" states how long something took: a complaint only beside other evidence. */
const TOOK = ` (pris|mis|fallu) `;

export const FR_RULES: LanguageRules = {
  stopwords: ['le', 'la', 'les', 'de', 'des', 'que', 'en', 'et', 'est', 'je', "j'", 'vous', 'pas', 'une', 'pour', 'avec', 'mon', 'ma', 'mes', 'sur', 'dans', 'qui', 'ce', "c'", 'il', 'elle', 'merci', 'bonjour', 'au', 'aux', 'du', 'ne', "n'", "l'", "d'", "qu'", "s'", 'ou', 'où', 'mais', 'très', 'toujours', 'encore', 'depuis', 'ça', 'ai', 'avez', 'suis', 'êtes', 'nous', 'votre', 'vos', "quelqu'un", 'commande', 'livraison', "aujourd'hui", 'rien', 'tout', 'tous', 'même', 'chez', 'fait', 'été'],
  why: ['pourquoi'],
  interrogatives: ['comment', 'pourquoi', 'quand', 'où', 'qui', 'quel', 'quelle', 'quels', 'quelles', 'combien', 'est-ce', "qu' est-ce", "quelqu'un", 'que faire', 'puis-je', 'peut-on', 'pouvez-vous', 'pourriez-vous', 'avez-vous', 'savez-vous', 'faut-il', 'y a-t-il', 'existe-t-il'],
  weakInterrogatives: ['vous', 'il y a', 'on peut', 'je peux', 'tu peux', 'ya'],
  trailingInterrogatives: ['quand', 'où', 'comment', 'combien', 'quoi'],
  inSitu: null,
  inversion: /^ \S+-(vous|tu|il|elle|on|ils|elles|je|nous) /u,
  leadIns: ['bonjour', 'bonsoir', 'salut', 'coucou', 'hello', 'allo', 'svp', 'stp', 'merci', 'excusez-moi', 'désolé', 'pardon', 'alors', 'et', 'mais', 'donc', 'bref', 'question', 'petite', 'une', 'les', 'amis', 'gens', 'tout', 'le', 'monde', 'à', 'tous', 'ok', 'euh', 'dites', 'dis', 'oh'],
  requests: [
    / (quelqu'un|qqn) (sait|saurait|peut|pourrait|a|connaît|connait) /u,
    / (vous pouvez|pouvez-vous|pourriez-vous|vous pourriez|tu peux|peux-tu) (m'|me|nous) ?(envoyer|dire|aider|expliquer|confirmer|donner|indiquer|passer|renvoyer) /u,
    / (je voudrais|je veux|j' aimerais|je souhaite|je souhaiterais) (savoir|connaître|connaitre|comprendre) /u,
    / (merci de (me|m')|besoin d' aide|j' ai besoin d' aide|aidez-moi|dites-moi|expliquez-moi|envoyez-moi|indiquez-moi) /u,
    / (je cherche|je ne trouve pas|je trouve pas|impossible de trouver) /u,
    /^ (petite |une )?question /u,
  ],
  rhetorical: [
    / c' est (une blague|normal|sérieux) /u,
    / (vous êtes|vous etes) (sérieux|sérieuse|sérieuses) /u,
    / (qui a eu l' idée|qui a (validé|décidé|pensé)) /u,
    / (à|a) quoi (ça|ca) sert /u,
    / (combien de temps encore|jusqu' à quand) /u,
    / c' est quoi ce (bordel|délire|service|travail) /u,
    / qui va me (rembourser|payer|dédommager) /u,
  ],
  notQuestions: [
    /^ (que|qu' est-ce que|comme) (c' est )?(beau|belle|bien|cool|sympa|génial|top|mignon|joli|jolie)/u,
    /^ (salut |bonjour |coucou )?(ça va|ca va|comment (ça va|ca va|allez-vous|vas-tu|tu vas|vous allez))( \S+)? $/u,
  ],
  admiration: / (sais|comprends) pas comment (vous|ils) .* mais /u,
  negative: {
    horrible: 3, 'catastroph*': 3, inadmissible: 3, honteux: 3, honte: 3, 'arnaque*': 3, 'escroc*': 3, scandale: 3, scandaleux: 3, lamentable: 3, inacceptable: 3, furieux: 3, furieuse: 3, 'ras le bol': 3, "n' importe quoi": 3, 'plus jamais': 3, 'le pire': 3, minable: 3, pourri: 3, pourrie: 3, 'foutage de gueule': 3, nulle: 2, régression: 2,
    nul: 2, 'déçu*': 2, déception: 2, décevant: 2, décevante: 2, 'cassé*': 2, 'troué*': 2, 'abîmé*': 2, 'endommagé*': 2, 'défectueu*': 2, 'bug*': 2, 'bogue*': 2, plante: 2, 'marche pas': 2, 'ne marche plus': 2, 'fonctionne pas': 2, 'ne fonctionne plus': 2, 'pas terrible': 2, 'mécontent*': 2, 'énervé*': 2, 'agacé*': 2, marre: 2, abusé: 2, abusif: 2, pire: 2, inexistant: 2, plainte: 2, 'mauvais*': 2, médiocre: 2, 'impoli*': 2, 'malpoli*': 2, désagréable: 2, inutile: 2, 'frustr*': 2, galère: 2, ridicule: 2, 'insatisf*': 2, 'contrefaçon': 2, faux: 2, 'perdu*': 1,
    remboursement: 1, rembourser: 1, réclamation: 1, retard: 1, 'en retard': 1, lent: 1, lente: 1, cher: 1, chère: 1, erreur: 1, 'problème*': 1, 'souci*': 1, mal: 1, annulé: 1, annulée: 1, 'sans explication': 1,
  },
  grievances: [
    { pattern: together(WAITING, DURATION), weight: 2, label: 'une longue attente' },
    { pattern: together(TOOK, DURATION), weight: 1, label: 'le temps que ça a pris', circumstance: true },
    { pattern: / personne (ne |n' )?(me |nous )?(répond|repond|rappelle|réagit|décroche|aide|m' aide|s' occupe) /u, weight: 2, label: 'pas de réponse' },
    { pattern: / (sans|aucune|pas de|zéro) (réponse|nouvelles|retour|nouvelle) /u, weight: 2, label: 'pas de réponse' },
    { pattern: / (débité|débitée|prélevé|prélevée|facturé|facturée|payé|payée|débiter) (\S+ ){0,2}deux fois /u, weight: 2, label: 'débité deux fois' },
    { pattern: / (je me désabonne|je résilie|je vais chez|je pars chez|dernière fois que je commande|je ne commanderai plus) /u, weight: 3, label: 'veut partir' },
    { pattern: / (avant|l' ancienne (appli|version|application)) (c' )?(était|marchait) (\S+ ){0,2}(mieux|plus simple|plus rapide) /u, weight: 2, label: "c'était mieux avant" },
    { pattern: /^ (super|génial|bravo|parfait|merci bien|top|trop bien) /u, weight: 1, label: 'ironie', irony: true },
    { pattern: / (promis|vous avez dit|on m' a dit|annoncé) .* (mais|et toujours|toujours pas|et rien) /u, weight: 2, label: 'promesse non tenue' },
    { pattern: / (deuxième|troisième|quatrième|cinquième|2e|3e) fois /u, weight: 1, label: 'encore' },
  ],
  praise: ['super', 'génial', 'top', 'parfait', 'parfaite', 'excellent', 'excellente', 'bravo', 'content', 'contente', 'satisfait', 'satisfaite', 'adore', 'incroyable', 'magnifique', 'formidable', 'nickel'],
  persistence: ['encore', 'de nouveau', 'à nouveau', 'toujours pas', 'chaque fois', 'encore une fois'],
  negations: ['ne', "n'", 'pas', 'jamais', 'sans', 'aucun', 'aucune', 'rien', 'ni'],
  intensifiers: ['très', 'trop', 'vraiment', 'tellement', 'complètement', 'totalement', 'hyper', 'si', 'grave', 'franchement', 'carrément'],
};
