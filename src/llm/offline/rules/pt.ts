/** Portuguese rules for the offline labeller: Brazil, Portugal, Angola and Mozambique, with or without accents. */
import { together, type LanguageRules } from './types.js';

const DURATION = ` (\\d+|um|uma|dois|duas|três|tres|quatro|cinco|seis|sete|vários|varios|várias|varias|alguns|algumas|mais de) (minutos|horas|dia|dias|semana|semanas|mês|mes|meses) `;
const WAITING = ` (esperando|espero|esperei|aguardando|aguardo|aguardei) `;
/** "demorou 6 dias" states how long something took: a complaint only beside other evidence. */
const TOOK = ` (demorou|demora|levou|leva|levaram) `;

export const PT_RULES: LanguageRules = {
  stopwords: ['não', 'nao', 'você', 'voce', 'vocês', 'voces', 'meu', 'minha', 'em', 'com', 'um', 'uma', 'é', 'do', 'da', 'dos', 'das', 'no', 'na', 'nos', 'nas', 'isso', 'isto', 'muito', 'obrigado', 'obrigada', 'tem', 'também', 'ainda', 'já', 'ele', 'ela', 'mais', 'pelo', 'pela', 'até', 'o', 'os', 'as', 'que', 'de', 'e', 'para', 'pra', 'pro', 'mas', 'eu', 'ao', 'aos', 'foi', 'só', 'estou', 'tô', 'pedido', 'entrega', 'hoje', 'ontem', 'nada', 'alguém', 'ninguém', 'ninguem', 'oi', 'olá', 'gente', 'pessoal', 'valeu', 'aqui', 'agora', 'quando', 'onde', 'qual', 'chegou', 'vez', 'vezes', 'fui', 'duas', 'meus', 'minhas'],
  why: ['por que', 'por quê', 'porquê', 'pq'],
  interrogatives: ['como', 'quando', 'onde', 'por que', 'por quê', 'porquê', 'pq', 'quem', 'qual', 'quais', 'quanto', 'quanta', 'quantos', 'quantas', 'o que', 'cadê', 'cade', 'será que', 'alguém', 'alguem', 'dá pra', 'da pra', 'é possível', 'posso', 'podem', 'poderiam'],
  weakInterrogatives: ['você', 'voce', 'vocês', 'voces', 'tem', 'pode', 'aceitam', 'entregam', 'fazem', 'vendem', 'abre', 'abrem'],
  trailingInterrogatives: [],
  inSitu: / (onde|quando|quanto|quanta|quantos|quantas|quem|qual|quais|cadê) /u,
  inversion: null,
  leadIns: ['oi', 'olá', 'ola', 'bom', 'boa', 'dia', 'tarde', 'noite', 'gente', 'pessoal', 'galera', 'amigos', 'então', 'entao', 'e', 'ah', 'ei', 'opa', 'por', 'favor', 'pfv', 'pfvr', 'desculpa', 'desculpem', 'uma', 'dúvida', 'duvida', 'pergunta', 'ok', 'tá', 'ta', 'eu'],
  requests: [
    / (alguém|alguem) (sabe|pode|tem|já|ja|me diz|conhece) /u,
    / (me )?(podem|pode|poderiam|podia|poderia|consegue|conseguem) (me )?(ajudar|dizer|mandar|enviar|explicar|passar|informar|confirmar) /u,
    / (quero|queria|gostaria de|preciso) saber /u,
    / (preciso de ajuda|socorro|(?<!(ninguém|ninguem|não|nao|nem) )me (ajuda|ajudem)) /u,
    / (não|nao) (sei|consigo|encontro|acho) (como|onde|achar|encontrar|o) /u,
    / (estou procurando|to procurando|tô procurando|procuro) /u,
    / me (manda|mandem|passa|passem|diz|digam|explica|expliquem|informa|informem) /u,
    /^ (uma )?(dúvida|duvida|pergunta) /u,
  ],
  rhetorical: [
    / quem foi o (gênio|genio|infeliz) /u,
    / (é|e) (sério|serio|brincadeira) /u,
    / sério mesmo /u,
    / (isso|isto) (é|e) (normal|sério|serio|brincadeira|justo) /u,
    / até quando /u,
    / quem (vai )?(me )?(devolver|pagar|ressarcir|reembolsar) /u,
    / de que adianta /u,
    / (vocês|voces) estão de brincadeira /u,
  ],
  notQuestions: [
    /^ (que|como) (lindo|linda|bom|boa|legal|ótimo|otimo|maravilha|bonito|bonita|fofo|fofa|incrível|top|vergonha|absurdo|raiva|horror|pena|triste|chato|chata|saco)/u,
    /^ (oi |olá |ola )?(tudo bem|tudo bom|como vai|como vão|como estão|beleza)( \S+)? $/u,
  ],
  admiration: / (não|nao) sei como (vocês|voces|eles) .* mas /u,
  negative: {
    piorou: 2, 'péssim*': 3, 'pessim*': 3, horrível: 3, horrivel: 3, vergonha: 3, vergonhoso: 3, absurdo: 3, golpe: 3, fraude: 3, lixo: 3, porcaria: 3, 'nunca mais': 3, 'o pior': 3, descaso: 3, palhaçada: 3, sacanagem: 3, 'enganad*': 3, roubo: 3, 'cobrança indevida': 3, 'inútil': 3, desrespeito: 3, 'falta de respeito': 3, 'que raiva': 3, 'uma merda': 3,
    'ridícul*': 2, 'decepcionad*': 2, decepção: 2, decepcionante: 2, 'quebrad*': 2, defeito: 2, 'estragad*': 2, 'danificad*': 2, 'rasgad*': 2, travou: 2, travando: 2, 'não funciona': 2, 'nao funciona': 2, 'parou de funcionar': 2, 'grosseir*': 2, 'mal educad*': 2, raiva: 2, 'irritad*': 2, 'chatead*': 2, 'insatisfeit*': 2, reclamação: 2, pior: 2, ruim: 2, 'frustrad*': 2, 'não recomendo': 2, 'nao recomendo': 2, 'cansad* de': 2, 'de saco cheio': 2, 'não chegou': 1, 'nao chegou': 1,
    'atrasad*': 1, atraso: 1, lento: 1, lenta: 1, caro: 1, erro: 1, 'problema*': 1, trava: 1, reclamar: 1, reembolso: 1, estorno: 1, mal: 1, sumiu: 1, 'perdid*': 1, cancelaram: 1, 'sem explicação': 1,
  },
  grievances: [
    { pattern: together(WAITING, DURATION), weight: 2, label: 'uma longa espera' },
    { pattern: together(TOOK, DURATION), weight: 1, label: 'o tempo que levou', circumstance: true },
    { pattern: / (ninguém|ninguem) (me |nos )?(responde|respondeu|ajuda|ajudou|atende|atendeu|retorna|resolve|liga) /u, weight: 2, label: 'sem resposta' },
    { pattern: / sem (resposta|retorno|nenhuma resposta|solução|solucao) /u, weight: 2, label: 'sem resposta' },
    { pattern: / (cobrad[oa]s?|cobraram|cobrou|debitad[oa]|descontad[oa]|descontaram) (\S+ ){0,4}(duas vezes|em dobro) /u, weight: 2, label: 'cobrança em dobro' },
    { pattern: / (nunca mais compro|não compro mais|nao compro mais|vou cancelar|cancelei (minha|a) assinatura|última vez que compro|ultima vez que compro) /u, weight: 3, label: 'vai embora' },
    { pattern: / (antes|a versão antiga|o app antigo) (era|funcionava) (\S+ ){0,2}(melhor|mais fácil|mais facil|mais rápido|mais rapido) /u, weight: 2, label: 'antes era melhor' },
    { pattern: /^ (que )?(ótimo|otimo|maravilha|perfeito|parabéns|parabens|show|beleza) /u, weight: 1, label: 'ironia', irony: true },
    { pattern: / (prometeram|prometeu|disseram|falaram) .* (mas|e até agora|e nada|e ainda) /u, weight: 2, label: 'promessa não cumprida' },
    { pattern: / e nada (do|da|de) /u, weight: 1, label: 'e nada' },
    { pattern: / ((segunda|terceira|quarta|quinta) vez|(três|tres|quatro|cinco|várias|varias) vezes) /u, weight: 1, label: 'de novo' },
  ],
  praise: ['ótimo', 'otimo', 'ótima', 'otima', 'maravilh*', 'perfeito', 'perfeita', 'excelente', 'incrível', 'incrivel', 'amei', 'amo', 'adorei', 'adoro', 'parabéns', 'parabens', 'top', 'satisfeito', 'satisfeita', 'show'],
  persistence: ['de novo', 'mais uma vez', 'outra vez', 'novamente', 'toda vez', 'ainda não', 'ainda nao', 'continua'],
  negations: ['não', 'nao', 'nunca', 'jamais', 'sem', 'nem', 'nada', 'nenhum', 'nenhuma'],
  intensifiers: ['muito', 'super', 'totalmente', 'bem', 'demais', 'tão', 'tao', 'extremamente', 'completamente', 'realmente', 'mó'],
};
