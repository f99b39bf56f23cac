/** Swahili rules for the offline labeller: Kiswahili as written in Kenya and Tanzania, with English loanwords. */
import { together, type LanguageRules } from './types.js';

const DURATION = ` (?:(?:siku|wiki|mwezi|miezi|saa|masaa|dakika|mwaka|miaka) (?:\\d+|moja|mbili|tatu|nne|tano|sita|saba|nzima|mzima|kadhaa|ya (?:pili|tatu|nne|tano))|\\d+ (?:siku|wiki|dakika|saa))`;
const WAITING = ` (\\S*(na|me|li|ku|ki)subiri\\S*|bado|sasa) `;

export const SW_RULES: LanguageRules = {
  stopwords: ['na', 'ya', 'wa', 'kwa', 'ni', 'za', 'la', 'katika', 'hii', 'huu', 'hiyo', 'kuna', 'sana', 'lakini', 'pia', 'mimi', 'wewe', 'yangu', 'yako', 'hapa', 'bado', 'tu', 'kama', 'si', 'hakuna', 'je', 'nini', 'habari', 'asante', 'asanteni', 'tafadhali', 'wote', 'leo', 'kesho', 'jana', 'sasa', 'tena', 'kabisa', 'mzigo', 'oda', 'pesa', 'siku', 'saa', 'ngapi', 'lini', 'wapi', 'gani', 'vipi', 'sawa', 'haya', 'kweli', 'mnaleta', 'naweza', 'yenu', 'wetu', 'kwenye', 'hadi', 'baada', 'kila', 'mtu', 'huduma', 'wateja', 'mpya', 'zangu', 'wangu', 'mbili', 'tatu', 'moja', 'jinsi', 'kuhusu', 'naomba', 'msaada'],
  why: ['kwa nini', 'kwanini', 'mbona'],
  interrogatives: ['je', 'nini', 'vipi', 'kwa nini', 'kwanini', 'lini', 'wapi', 'nani', 'gani', 'ngapi', 'mbona', 'naweza', 'nawezaje', 'ninawezaje', 'unaweza', 'mnaweza', 'tunaweza', 'inawezekana', 'mnauza', 'mnaleta', 'mnakubali', 'mnafanya'],
  weakInterrogatives: ['kuna', 'ni'],
  trailingInterrogatives: ['lini', 'wapi', 'gani', 'ngapi', 'nini', 'nani', 'vipi'],
  inSitu: / (ngapi|gani|wapi|lini|nani) /u,
  inversion: null,
  leadIns: ['habari', 'hujambo', 'jamani', 'wadau', 'wakuu', 'ndugu', 'samahani', 'tafadhali', 'sasa', 'haya', 'swali', 'hello', 'hi', 'mambo', 'salama', 'marafiki', 'wapendwa'],
  requests: [
    / (naomba|tunaomba) (msaada|kujua|kuuliza|mnisaidie|maelezo|mtu|namba|kiungo|link) /u,
    / (nisaidie|nisaidieni|tusaidie|tusaidieni|niambie|niambieni|nieleze|nielezeni|nielezeeni|nijulishe|nijulisheni|nitumie|nitumieni) /u,
    / (mtu|kuna mtu|nani|yeyote) (anajua|ashajua|amewahi|ameshajaribu|ameshapokea|ameshatumia) /u,
    / (sijui|sielewi) (jinsi|namna|kama|ni wapi|nifanye) /u,
    / (nataka|ningependa|ninaomba) kujua /u,
    / (nahitaji|tunahitaji) (msaada|namba|nambari|kiungo|link|mawasiliano|simu|risiti) /u,
    /^ (swali|nina swali) /u,
    / (natafuta|sioni|siwezi kupata|sipati) /u,
    / \p{L}{3,}[ae]je /u,
  ],
  rhetorical: [
    / nani hata /u,
    / (faida|maana|kazi) ya .* ni (nini|ipi) kama /u,
    / nani (atanirudishia|atanilipa|atatulipa) /u,
    / (mnatuona|mnaniona) /u,
    / hii ni (huduma|biashara) (gani|ya aina gani) /u,
    / (ni|huu ni|hii ni) mzaha /u,
    / (hii|hiyo) ni (kawaida|haki|sawa) /u,
  ],
  notQuestions: [
    /^ (habari|mambo|hujambo|hamjambo|vipi|salama|shikamoo)( (za|zenu|yako|yenu|gani|vipi|wadau|wote|jamani|asubuhi|mchana|jioni|leo|rafiki|wakuu))* $/u,
    /^ (kumbe|hongera|heri) /u,
  ],
  admiration: / (sijui|sielewi) \S+.* (lakini|ila) /u,
  negative: {
    'mbaya sana': 3, wizi: 3, utapeli: 3, tapeli: 3, matapeli: 3, nimechukia: 3, nachukia: 3, hasira: 3, mateso: 3, nimekasirika: 3, 'rudisha pesa': 3, sitanunua: 3, aibu: 2,
    mbaya: 2, inachosha: 2, iliyotumika: 2, 'si sawa': 2, dharau: 2, fujo: 2, vurugu: 2, 'nataka maelezo': 1, 'ahadi hewa': 3, 'bei zimepanda': 1, 'zimepanda': 1, 'iliyokwaruzwa': 2, 'imekwaruzwa': 2, 'imefifia': 2, 'bila mimi kujua': 2, 'ucheleweshaji': 1, 'imeghairiwa': 1, feki: 2, bandia: 2, 'si haki': 2, 'haina maana': 2, mzaha: 2, nimechoshwa: 2, 'nimechoka na': 2, msinunue: 3, usinunue: 3, imeungua: 2, 'imekufa': 2, alichelewa: 1, wamechelewa: 1, 'hamjali': 2, 'hawajali': 2, baya: 2, mbovu: 2, vibaya: 2, kero: 2, usumbufu: 2, inaudhi: 2, inakera: 2, 'imeharibika': 2, 'vimeharibika': 2, 'kimeharibika': 2, imeharibu: 2, umevunjika: 2, imevunjika: 2, vimevunjika: 2, imechanika: 2, 'haifanyi kazi': 2, haifanyi: 2, haifunguki: 2, inakwama: 2, haitumiki: 2, malalamiko: 2, 'nimekata tamaa': 2, nimechoka: 2, sijaridhika: 2, sijafurahishwa: 2, 'hawasaidii*': 2, hamsaidii: 2, 'hazijarudishwa': 2, 'haijarudishwa': 2, nirudishiwe: 2, 'bado nasubiri': 2, nimejiondoa: 2, 'ubora umeshuka': 2, 'si nzuri': 2,
    nimechukizwa: 2, nimeudhika: 2, huzuni: 1, nimesikitika: 2, inasikitisha: 2, masikitiko: 2, hafifu: 2, inavuja: 2, inanuka: 2, chafu: 1, 'imeisha muda': 1, haifai: 2, imepotea: 2, hakijafika: 1, 'hawakuleta': 2, 'hawajaleta': 2, 'hawana adabu': 3, jeuri: 2, uzembe: 2, wazembe: 2, 'hamna msaada': 2, wezi: 3, nimeibiwa: 3, 'ghali sana': 2, inagoma: 2, inajizima: 1, 'inakula data': 1, sipendekezi: 2, hasara: 2, majuto: 2, uongo: 2, mnadanganya: 3, udanganyifu: 3,
    'refund': 1, 'shida': 1, 'tatizo': 1, 'matatizo': 1, polepole: 1, imechelewa: 1, kuchelewa: 1, ghali: 1, hitilafu: 1, kosa: 1, inajifunga: 1, inazima: 1, haujafika: 1, haijafika: 1, hajafika: 1, sijapata: 1, hatujapata: 1, umeshuka: 1, gumu: 1, ngumu: 1, imepanda: 1, wameghairi: 1, 'bila maelezo': 1,
  },
  grievances: [
    { pattern: together(WAITING, DURATION), weight: 2, label: 'kusubiri muda mrefu' },
    { pattern: / (hakuna (mtu )?(anayejibu|aliyejibu|anayepiga|anayepokea|aliyepokea|jibu|majibu)|bila (mtu kupiga|jibu|majibu)|hamnijibu|hamjibu|hawajibu|hawanijibu|hawajajibu|hamjajibu) /u, weight: 2, label: 'hakuna jibu' },
    { pattern: / (nimekatwa|mmenikata|wamenikata|imekatwa) .*mara mbili /u, weight: 2, label: 'amekatwa mara mbili' },
    { pattern: / (sitanunua|sitaagiza|sitarudi|nimejiondoa|kwaheri duka) /u, weight: 2, label: 'anaondoka' },
    { pattern: / hata (hawakuomba|hakuomba|hawajaomba|hakupiga|hawakupiga|hawajibu|hakujibu|hawakujibu) /u, weight: 2, label: 'hata hawakuomba radhi' },
    { pattern: / (si|sio|siyo) (kama|ile|ya) (kwenye picha|niliyoagiza|ilivyoonyeshwa) /u, weight: 2, label: 'si kama ilivyoagizwa' },
    { pattern: / (zamani|awali) .* (bora|rahisi|nzuri) zaidi /u, weight: 2, label: 'zamani ilikuwa bora' },
    { pattern: /^ (aisee|kweli|eti|safi) (sana )?(safi|nzuri|poa|asante)? /u, weight: 1, label: 'kejeli', irony: true },
    { pattern: / (mlisema|mliahidi|mliniambia|walisema|waliahidi) .* (sasa|lakini|bado) /u, weight: 2, label: 'ahadi haikutimizwa' },
    { pattern: / mara (tatu|nne|tano|ya tatu|ya pili|kadhaa) /u, weight: 1, label: 'tena' },
  ],
  praise: ['safi', 'nzuri', 'bora', 'asanteni kweli', 'mkarimu', 'nimefurahi', 'vizuri', 'poa', 'hongera'],
  persistence: ['mfululizo', 'mara ya pili', 'tena', 'bado', 'kila mara', 'mara nyingine'],
  negations: ['si', 'sio', 'siyo', 'hapana', 'hakuna', 'bila'],
  intensifiers: ['sana', 'kabisa', 'mno', 'kweli', 'tupu'],
};
