/** Spanish rules for the offline labeller: Spain and Latin America, with or without accents. */
import { together, type LanguageRules } from './types.js';

const DURATION = ` (\\d+|un|una|dos|tres|cuatro|cinco|seis|siete|varios|varias|unos|unas|más de) (minutos|horas|días|dias|semanas|mes|meses) `;
const WAITING = ` (esperando|espero desde|esperé|espera|llevo|llevamos|desde hace|todavía|aún|sigo) `;
/** "tardó 6 días" states how long something took: a complaint only beside other evidence. */
const TOOK = ` (tardó|tardado|tarda|tardaron|demoró|demoro) `;

export const ES_RULES: LanguageRules = {
  stopwords: ['el', 'la', 'los', 'las', 'de', 'que', 'y', 'en', 'un', 'una', 'es', 'no', 'por', 'para', 'con', 'mi', 'me', 'se', 'lo', 'del', 'al', 'pero', 'muy', 'ya', 'está', 'hay', 'como', 'yo', 'su', 'puede', 'puedo', 'pedido', 'gracias', 'hola', 'buenas', 'todos', 'otra', 'vez', 'nadie', 'cuenta', 'envío', 'tienen', 'también', 'todo', 'nada', 'bien', 'mal', 'ahora', 'hoy', 'mañana', 'si', 'sí', 'le', 'les', 'nos', 'esto', 'eso', 'este', 'esta', 'solo', 'vale', 'pagar', 'tiempo', 'días', 'semanas'],
  why: ['por qué', 'porqué'],
  interrogatives: ['qué', 'cómo', 'por qué', 'porqué', 'cuándo', 'dónde', 'adónde', 'quién', 'quiénes', 'cuál', 'cuáles', 'cuánto', 'cuánta', 'cuántos', 'cuántas', 'a qué', 'puedo', 'pueden', 'podéis', 'podrían', 'podría', 'se puede', 'alguien', 'existe', 'sabéis', 'saben', 'sabes'],
  weakInterrogatives: ['hay', 'cuando', 'donde', 'quien', 'cual', 'cuanto', 'puede', 'tienen', 'hacen', 'aceptan', 'abren'],
  trailingInterrogatives: [],
  inSitu: / (dónde|cuándo|cuánto|cuánta|cuántos|cuántas|quién|quiénes|cuál|cuáles) /u,
  inversion: null,
  leadIns: ['hola', 'buenas', 'oye', 'oigan', 'chicos', 'chicas', 'gente', 'amigos', 'bueno', 'pues', 'y', 'una', 'pregunta', 'perdón', 'disculpen', 'porfa', 'ok', 'vale', 'ey', 'che', 'equipo', 'a', 'de', 'en', 'con', 'para', 'desde', 'hasta'],
  requests: [
    /^ (una |otra )?(pregunta|consulta|duda) /u,
    / alguien (sabe|me puede|puede|ha|tiene|me dice|que haya|sabrá) /u,
    / me (pueden|podéis|podrían|puedes|podrías) (ayudar|decir|explicar|confirmar|indicar|pasar) /u,
    / (necesito ayuda|ayuda por favor|ayúdenme|ayudenme|ayúdame|no sé cómo|no se como) /u,
    / (díganme|diganme|dime|decidme|explíquenme|expliquenme|explícame|indíquenme|indiquenme|confírmenme|me explican|me dicen|me cuentan|me cuenta) /u,
    / (quisiera|quiero|necesito|me gustaría|me gustaria) saber /u,
    /(?<! no( \S+)?) (lo|la|los|las|le|me|te) (puedo|podemos|pueden|podría) \S+ /u,
    / (no encuentro|no logro encontrar|no consigo encontrar|estoy buscando|busco) /u,
    / (necesito|me pasan|pásenme|pasenme) (el|la|un|una) (teléfono|telefono|número|numero|enlace|link|correo|contacto|factura|dirección) /u,
  ],
  rhetorical: [
    / de qué (me|nos|te) (sirve|vale) /u,
    / en serio /u,
    / (y )?quién me (devuelve|paga|compensa|devolverá) /u,
    / a quién se le (ocurr\S*) /u,
    / (es|esto es) (una )?broma /u,
    / me (están|estáis) tomando el pelo /u,
    / hasta cuándo /u,
    / cuánto más /u,
    / (esto|eso) es (normal|justo|serio) /u,
  ],
  notQuestions: [
    /^ (qu[eé]|c[oó]mo) (bien|bueno|bonito|lindo|genial|guay|rico|padre|chulo|maravilla|alegr[ií]a|suerte|pasada|vergüenza|verguenza|asco|pena|rabia|horror|desastre|frustrante|triste|lástima|lastima|horrible|fuerte)/u,
    /^ qu[eé] \S+ $/u,
    /^ que (tengas|tengan|tengáis|pases|pasen|disfrutes|disfruten) /u,
    /^ (hola |buenas )?(qué tal|que tal|cómo están|como estan|cómo estáis)( \S+)? $/u,
  ],
  admiration: / no (s[eé]|entiendo) c[oó]mo.* pero /u,
  negative: {
    terrible: 3, horrible: 3, 'pésim*': 3, 'pesim*': 3, estafa: 3, fraude: 3, asco: 3, odio: 3, inaceptable: 3, vergüenza: 3, verguenza: 3, vergonzoso: 3, 'lo peor': 3, 'nunca más': 3, 'inútil*': 3, desastre: 3, 'tomadura de pelo': 3, 'no vuelvo': 3,
    malo: 2, 'falta de respeto': 3, caos: 2, 'me cuelgan': 2, 'me colgaron': 2, 'exijo': 2, 'subieron el envío': 1, 'subieron los precios': 1, 'rayad*': 2, 'encogi*': 2, 'desteñid*': 2, 'manchad*': 2, 'retraso*': 1, 'se acabó': 1, 'se canceló': 1, chiste: 2, 'no tiene sentido': 2, 'no es justo': 2, injusto: 2, pesadez: 2, rabia: 2, 'falso': 2, 'falsificad*': 2, 'se quemó': 2, 'no compren': 3, equivocado: 2, equivocada: 2, 'harto de': 2, ignoran: 2, 'me ignoran': 2, mala: 2, mal: 2, fatal: 2, 'roto*': 2, 'rota*': 2, 'no funciona': 2, 'decepcionad*': 2, decepción: 2, queja: 2, reclamación: 2, 'enfadad*': 2, 'enojad*': 2, molesto: 2, molesta: 2, harto: 2, harta: 2, 'me cansé': 2, fallo: 2, falla: 2, 'todavía espero': 2, 'sigo esperando': 2, 'groser*': 2, 'maleducad*': 2, 'aplastad*': 2, 'dañad*': 2, 'estropead*': 2, peor: 2, desesperante: 2, frustrante: 2, 'no sirve': 2, 'así no se puede': 2, 'me doy de baja': 2, 'no recomiendo': 2, 'lentísim*': 2,
    'indignad*': 2, 'furios*': 3, 'frustrad*': 2, coraje: 2, 'me da rabia': 2, indignante: 3, lamentable: 3, penoso: 2, 'patétic*': 3, 'defectuos*': 2, 'mala calidad': 2, 'se rompió': 2, 'se rompe': 2, 'se despegó': 2, 'descosid*': 2, huele: 1, 'sucio': 1, 'sucia': 1, 'caducad*': 2, trucho: 2, chafa: 2, porquería: 3, basura: 3, perdieron: 2, 'se perdió': 2, 'no llegó': 2, 'nunca llegó': 2, 'incompetent*': 3, 'no sirven': 2, 'nadie ayuda': 2, 'pasan de mí': 2, robo: 3, 'me robaron': 3, timo: 3, 'cobro indebido': 3, 'cobraron de más': 2, 'comisiones ocultas': 2, 'se cuelga': 2, 'se traba': 2, 'se congela': 2, 'gasta batería': 1, 'consume datos': 1, 'no lo recomiendo': 2, 'tirar el dinero': 3, 'no vale la pena': 2, 'qué mal': 2, mienten: 3, 'engaño': 3, 'gracias por nada': 3,
    reembolso: 1, devolución: 1, error: 1, problema: 1, lento: 1, lenta: 1, tarde: 1, caro: 1, cara: 1, 'mojad*': 1, 'no abre': 1, 'no carga': 1, 'no llega': 1, 'no me llega': 1, 'no me devuelven': 1, 'se cierra': 1, 'complicad*': 1, eternidad: 1, 'sin explicación': 1, 'cancelaron': 1,
  },
  grievances: [
    { pattern: together(WAITING, DURATION), weight: 2, label: 'una espera larga' },
    { pattern: together(TOOK, DURATION), weight: 1, label: 'lo que tardó', circumstance: true },
    { pattern: / nadie (me |nos )?(contesta|responde|atiende|ayuda|dice nada|llama) /u, weight: 2, label: 'sin respuesta' },
    { pattern: / sin (respuesta|contestar|responder|noticias) /u, weight: 2, label: 'sin respuesta' },
    { pattern: / (cobraron|cobrado|cobró|cargaron|cargado) .*(dos veces|doble) /u, weight: 2, label: 'cobro doble' },
    { pattern: / (me doy de baja|no vuelvo a (comprar|pedir)|última vez que (compro|pido)|me paso a) /u, weight: 2, label: 'se va' },
    { pattern: / ni (se disculp\S*|contesta\S*|responde\S*|llama\S*|avisa\S*|caso) /u, weight: 2, label: 'ni una disculpa ni una respuesta' },
    { pattern: / sin (solucionar|resolver|arreglar|avisar|explicaci\S*) /u, weight: 2, label: 'sin resolver' },
    { pattern: / (antes|la anterior|la versión anterior|la vieja) .*(mejor|más fácil|más rápid\S*|más simple) /u, weight: 2, label: 'antes era mejor' },
    { pattern: / (\d+|una|dos|tres|cuatro|cinco) (horas|días) (tarde|de retraso) /u, weight: 2, label: 'muy tarde' },
    { pattern: /^ (pues|vaya|ay|oh|qué) (genial|perfecto|maravilla|estupendo|bien|bonito) /u, weight: 1, label: 'ironía', irony: true },
    { pattern: / (prometieron|prometió|dijeron|dijo|aseguraron) .* (y ya|pero|y todavía|y nada|y sigo) /u, weight: 2, label: 'promesa incumplida' },
    { pattern: / calidad (ha bajado|bajó|empeoró|ha empeorado|deja mucho que desear) /u, weight: 2, label: 'peor calidad' },
    { pattern: / ((segunda|tercera|cuarta|quinta) vez|(tres|cuatro|cinco|varias) veces) /u, weight: 1, label: 'otra vez' },
  ],
  praise: ['genial', 'me encanta', 'encanta', 'maravilla', 'maravilloso', 'perfecto', 'estupendo', 'fantástico', 'excelente', 'increíble', 'generos*', 'bien', 'bueno', 'contento', 'contenta'],
  persistence: ['seguidas', 'seguidos', 'siempre llega', 'otra vez', 'de nuevo', 'todavía', 'aún', 'siguen', 'sigue', 'sigo', 'nuevamente', 'cada vez que'],
  negations: ['no', 'nunca', 'jamás', 'sin', 'tampoco', 'ni', 'nada'],
  intensifiers: ['muy', 'súper', 'super', 'totalmente', 'realmente', 'demasiado', 'completamente', 'bastante', 'muchísimo', 'tan'],
};
