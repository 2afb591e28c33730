"""The twelve need categories, their plain-English labels, urgency order and a keyword detector.

Pure Python (no Rasa imports) so that actions, channels and tests can all use it.

``detect_needs`` is a deterministic phrase detector. It is built for precision rather than
recall: it finds a second need in a message ("I'm in debt and about to lose my flat") and backs
up the statistical classifier when that is unsure. Each category has *strong* patterns, which
always count, and some have *weak* patterns (feelings such as "stressed" or "can't cope" that
usually describe the reaction to another problem). Weak patterns count only when no strong
pattern of any category matched, so "stressed about the rent" gives ``["housing"]`` while
"so stressed" gives ``["wellbeing"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NEED_IDS: tuple[str, ...] = (
    "housing",
    "money",
    "food",
    "loneliness",
    "work",
    "wellbeing",
    "physical_activity",
    "carers",
    "domestic_abuse",
    "bereavement",
    "substance_use",
    "learning",
)

URGENCY: tuple[str, ...] = (
    "domestic_abuse",
    "housing",
    "food",
    "money",
    "substance_use",
    "bereavement",
    "carers",
    "wellbeing",
    "loneliness",
    "work",
    "physical_activity",
    "learning",
)

# Used in sentences such as "Here are some places near L9 that help with {label}".
# The abuse label is deliberately discreet: someone else may be reading the screen.
LABELS: dict[str, str] = {
    "housing": "housing",
    "money": "money and debt",
    "food": "food",
    "loneliness": "feeling alone",
    "work": "work and jobs",
    "wellbeing": "stress and wellbeing",
    "physical_activity": "getting active",
    "carers": "caring for someone",
    "domestic_abuse": "feeling safe at home",
    "bereavement": "losing someone",
    "substance_use": "drink or drugs",
    "learning": "learning and courses",
}

INTENT_PREFIX = "need_"

_RANK: dict[str, int] = {need: i for i, need in enumerate(URGENCY)}

# Shared fragments. Text is normalised first: lower case, curly quotes made straight,
# whitespace collapsed, so patterns only need lower case and single spaces.
_CANT = r"(?:can'?t|cannot|can not|carnt|cant)"
_WONT = r"(?:won'?t|wont|will not|doesn'?t|does not|don'?t)"
_MY = r"(?:my|our|his|her|their|me)"
_RELATIVE = (
    r"(?:mum|mam|mom|mother|mummy|dad|father|daddy|parents?|step ?(?:dad|mum)|nan|nana|nanna|"
    r"gran|granny|grandma|grandad|granddad|grandpa|grampa|grandmother|grandfather|husband|"
    r"wife|partner|hubby|fianc[eé]e?|boyfriend|girlfriend|bf|gf|son|daughter|child|baby|kids?|brother|"
    r"sister|twin|sibling|uncle|auntie|aunty|aunt|cousin|nephew|niece|friend|best friend|"
    r"mate|best mate|bestie|neighbour|grandson|granddaughter|grandchild|family)"
)
_ABUSER = (
    r"(?:he|she|partner|husband|hubby|wife|boyfriend|girlfriend|bf|gf|ex|fianc[eé]e?|"
    r"son|daughter|dad|father|step ?dad|step ?mum|mum|mother|brother|sister)"
)

_STRONG: dict[str, tuple[str, ...]] = {
    "housing": (
        r"\bevict\w*",
        r"\bevic(?:t|s)?ion\w*",
        r"\bhom+e?l+e?s+\w*",  # homeless, homless, homeles
        r"\bsofa ?-?surf\w*",
        r"\bsleep(?:ing|in)? (?:rough|on the streets?|in (?:my|the|a) car)\b",
        r"\brough sleep\w*",
        r"\bsection ?(?:21|8)\b",
        r"\bs21\b",
        r"\brent arrears\b",
        r"\bbehind (?:on|with) (?:the |my |our )?rent\b",
        rf"\b{_CANT} (?:afford|pay) (?:the |my |our )?rent\b",
        r"\brent(?:'s| is| has)? (?:gone|going) up\b",
        r"(?<!car )\brent\b"
        r"(?! (?:a |an )?(?:\w+ )?(?:car|van|bike|sedan|suv|vehicle|truck|boat)s?\b)",
        r"\bprivate (?:rent|rented|renting|landlord)\b",
        r"\b(?:sleeping|sleep|kipping|dossing) on (?:\w+ )?(?:couch|couches|"
        r"sofa|sofas|settee|floor|floors)\b",
        r"\bno (?:fixed )?(?:address|abode)\b",
        r"\bpriority need\b",
        r"\bbidding (?:on|for) (?:a |the )?(?:houses?|propert(?:y|ies)|flats?|homes?)\b",
        r"\b(?:staying|stopping) on (?:[\w']+ ){0,2}(?:couch|couches|sofa|sofas|settee|floor)\b",
        r"\b(?:living|sleeping|staying) in a (?:tent|van)\b",
        r"\brepairs\b",
        r"\b(?:find|finding|looking for|need|get|getting) (?:a|me a|us a) "
        r"(?:new |permanent |proper |bigger |smaller |safe )?(?:flat|house|home)\b",
        r"\blandlord\w*",
        r"\bletting agen\w*",
        r"\bhousing\b(?! benefit)",
        r"\bhouseing\b",
        r"\bhousing association\b",
        r"\bcouncil (?:house|flat|home|property|housing)s?\b",
        r"\bdamp(?:ness)?\b",
        r"\bmou?ld(?:y)?\b",
        r"\bcondensation\b",
        r"\bpossession order\b",
        r"\bnotice to quit\b",
        r"\brepossess\w*",
        r"\bmortgage arrears\b",
        r"\b(?:lose|losing|lost) (?:my|our|the) (?:flat|house|home|tenancy|place)\b",
        r"\b(?:have|got|told|has|had|asked) (?:me |us )?to move out\b",
        r"\bmove out by\b",
        r"\b(?:night )?shelters?\b",
        r"\b(?:nowhere|no ?where|no place|nowhere else|no home) (?:to (?:live|"
        r"stay|sleep|go)|of (?:my|our) own)\b",
        r"(?<!book )\b(?:somewhere|a place|place) to (?:live|stay|sleep)\b",
        r"\broof over (?:my|our) heads?\b",
        r"\btemporary accommodation\b",
        r"\bhostel\b",
        r"\bovercrowd\w*",
        r"\b(?:kicked|thrown|chucked|turfed|kick|throw|chuck) (?:me |us )?out\b"
        r"(?! of (?:work|school|college|uni|my job|the job|class|the (?:pub|club|group|shop)))",
        r"\btenan(?:cy|cies|t|ts)\b",
        r"\bchanged? the locks\b",
        r"\bmutual exchange\b",
        r"\bhouse ?swap\b",
        r"\bproperty pool\b",
        r"\bdisrepair\b",
        r"\bboiler (?:is |has |'s )?(?:broke|broken|not working|packed in|gone)\b",
        r"\bdeposit for (?:a |the )?(?:flat|house|place|room)\b",
        r"\b(?:find|finding|need|looking for) (?:a |somewhere |some )?(?:flat|"
        r"house|home) to (?:rent|live)\b",
        r"\bsupported (?:housing|accommodation|flat|lodgings)\b",
    ),
    "money": (
        r"\bskint\b",
        r"\bbrokee+\b",
        r"\b(?:\d+|few|couple of) quid (?:left|to last)\b",
        r"\bgrants? for\b",
        r"\b(?:i'?m|im|i am|we'?re|were|we are|totally|completely|flat|dead|"
        r"so|proper) brok(?:e|ee)\b",
        r"\bdebts?\b",
        r"\bbail+i+f+s?\b",
        r"\bbal+i+f+s?\b",
        r"\benforcement (?:agent|officer)s?\b",
        r"\bdebt collector\w*",
        r"\bcou?n[cs]il tax\b",
        r"(?<!rent )(?<!mortgage )\barrears\b",
        r"\bbills\b",
        r"\b(?:gas|electric|electricity|energy|water|phone|broadband|council tax) bill\b",
        r"\b(?:pay|afford|paying|payin) (?:the |my |our )?bill\b",
        r"\bfinal demand\b",
        r"(?<!toodle )\bpip\b",  # "toodle pip" is goodbye, not the benefit
        r"\buniv\w* cred\w*",
        r"\buc\b",
        r"\b(?:esa|jsa|dwp)\b",
        r"\bbenefits?\b",
        r"\bsanction(?:ed|s)?\b",
        r"\b(?:pre ?-?pay(?:ment)?|key|card) meter\b",
        r"\bmeter\b.{0,30}\b(?:emergency credit|top ?up|ran out|run out)\b",
        r"\btop (?:up|it up) (?:the |my )?(?:meter|electric|gas|key|card)\b",
        r"\bemergency credit\b",
        r"\b(?:gas|electric|electricity|energy) (?:bills?|debt|company|supplier)\b",
        r"\bgas and elec\w*",
        r"\bloans?\b",
        r"\bloan shark\b",
        r"\boverdra(?:f|ff)t\b",
        r"\bcredit cards?\b",
        r"\bcatalogue\b",
        r"\bklarna\b",
        r"\bccjs?\b",
        r"\bcounty court judge?ments?\b",
        r"\bbankrupt\w*",
        r"\bdebt relief\b",
        r"\biva\b",
        r"\b(?:parking|court) fines?\b",
        r"\bbuy now,? pay later\b",
        r"\b(?:energy|gas|electric|electricity) tariffs?\b",
        r"\b(?:wages?|money|benefits?|pension|uc) (?:don'?t|doesn'?t|dont|doesnt|won'?t|never) "
        r"(?:last|stretch|cover)\b",
        r"\bfrozen (?:my|our) (?:bank )?account\b",
        r"\baccount (?:has been |'s been |got )?frozen\b",
        r"\bfinanc(?:ial|ially|es)\b(?! (?:abuse|control))",
        r"\bwater (?:rates|bills?)\b",
        rf"\b{_CANT} afford (?:to pay )?(?:the |my |our )?(?:phone|mobile|broadband|internet|"
        r"tv licen[cs]e|insurance|"
        r"bills?|electric|gas|heating|council tax|water|loans?|repayments?|payments?|contract)\b",
        r"\b(?:electric|gas) (?:key|card)\b",
        r"\bmoney (?:problems?|worries|worry|issues?|troubles?|advice|help)\b",
        r"\b(?:help|struggling|struggle|stress(?:ed)?|worried|worrying) (?:with|about|for) money\b",
        r"\b(?:no|short of|out of|run out of|ran out of) money\b",
        r"\bmoney(?:'?s| is) (?:tight|short)\b",
        r"\bcitizens? advice\b",
        r"^cab$",
        r"\bcab (?:appointment|advisor|adviser|office|said|helped|told)\b",
        r"\bstep ?change\b",
        r"\bgambl\w*",
        r"\bbetting\b",
        r"\bcost of living\b",
        r"\bbudgeting\b",
        r"\bhelp (?:to|with) budget\b",
        r"\bhousehold support fund\b",
        r"\bhardship (?:fund|payment|grant)s?\b",
        r"\bcrisis (?:loan|payment|fund)s?\b",
        r"\bwelfare (?:assistance|support|rights)\b",
        r"\bwarm home discount\b",
        r"\bfuel (?:voucher|poverty|bank)s?\b",
        r"\bowe (?:money|them|the|everyone|£|\d)",
        r"\boverpa(?:id|yment)\b",
        r"\b(?:attendance allowance|child benefit|tax credits?|pension credit|housing benefit)\b",
        r"\bmandatory reconsideration\b",
        r"\bchild maintenance\b",
    ),
    "food": (
        r"\bf(?:oo|o|ood)d ?ba?nks?\b",
        r"\bfoodbnk\b",
        r"(?<!junk )(?<!fast )(?<!healthy )(?<!healthier )(?<!pet )(?<!dog )(?<!cat )"
        r"\bfood\b(?! (?:hygiene|safety|poisoning|allerg\w*|intolerance\w*|technology|tech))",
        r"\bhungry\b",
        r"\bhunger\b",
        r"\bstarv\w*",
        r"\bnothing (?:in )?(?:to eat|in the (?:cupboards?|fridge|house to eat))\b",
        r"\b(?:nothing|nowt|no food) (?:in )?(?:to eat|for (?:the )?(?:kids|tea|dinner))\b",
        r"\bnothing in (?:the )?(?:cupboards?|fridge)\b",
        r"\b(?:cupboards?|fridge)(?:'s| is| are)? (?:empty|bare)\b",
        r"\b(?:haven'?t|havent|not|no'?t|ain'?t) (?:eaten|ate|had (?:a |any )?(?:proper )?(?:meal|"
        r"food|tea|dinner|breakfast|lunch))\b",
        r"\bskip(?:ping|ped|s)? meals?\b",
        r"\bsomething to eat\b",
        r"\bafford to eat\b",
        r"\bafford (?:the )?(?:groceries|food|shopping|formula)\b",
        r"\b(?:free|hot|school|cheap) (?:christmas )?(?:meals?|dinners?|lunch(?:es)?|"
        r"breakfasts?)\b",
        r"\bpantry\b",
        r"\bpantries\b",
        r"\bsoup kitchen\b",
        r"\bsocial supermarket\b",
        r"\bcommunity (?:fridge|pantry|larder|shop|kitchen|cafe)\b",
        r"\bbaby (?:milk|formula)\b",
        r"\bformula (?:milk|for (?:the|my) baby)\b",
        r"\bgroceries\b",
        r"\bfood shop\w*",
        r"\bholiday hunger\b",
        r"\bgrub\b",
        r"\bnothing in (?:the|my|her|his|our|their) (?:cupboards?|fridge)\b",
        r"\bfeed(?:ing)? (?:my|the|our) (?:family|kids|children)\b",
        r"\bheat(?:ing)? (?:and|or) eat(?:ing)?\b",
        r"\b(?:nothing|nowt) for (?:tea|dinner|the kids)\b",
        r"\bfree (?:fruit|veg|veggies|vegetables)\b",
    ),
    "loneliness": (
        r"\blon(?:e?l(?:y|iness|yness|ey)|ley)\b",
        r"(?<!self )(?<!self-)\bisolat\w*",
        r"\bno (?:friends|mates|company|social life|one to talk to|1 to talk to)\b",
        r"\b(?:nobody|no ?one|noone|no1|no body|any ?one|any1|anybody) (?:to (?:talk|"
        r"speak|chat) (?:to|with)|to natter with)\b",
        r"\b(?:don'?t|dont|do not|never) (?:have|got) any (?:friends|mates)\b",
        r"\b(?:make|making|meet|meeting) (?:some )?(?:new )?(?:friends|people|ppl|mates|others)\b",
        r"\b(?:feel(?:ing|s)?|felt|so|very|really|all|totally|completely|always|i'?m|im|am|"
        r"lives?|lived|living|sits?|sitting|sat) (?:alone|on (?:my|his|her|our) own|"
        r"by (?:myself|himself|herself))\b(?! with the kids)",
        r"\bbefriend\w*",
        r"\bcoffee mornings?\b",
        r"\bsocial (?:groups?|clubs?|life|activities|events?)\b",
        r"\bmen'?s sheds?\b",
        r"\bknit and natter\b",
        r"\blunch clubs?\b",
        r"\b(?:some|no|miss|like|want|need|for) company\b",
        r"\b(?:don'?t|dont|do not) know (?:anyone|any1|anybody|a soul|nobody)\b",
        r"\b(?:nobody|no ?one|noone) (?:ever )?(?:calls|visits|rings|phones|comes round|texts)\b",
        r"\bcut off from\b",
        r"\bwithout (?:speaking|talking) to (?:anyone|anybody|any1)\b",
        r"\b(?:see|seeing|speak to|speaking to|talked to|talking to) (?:anyone|"
        r"anybody|a soul|a real person)"
        r" (?:for|in) (?:days|weeks|months)\b",
        r"\bnever see (?:anyone|anybody)\b",
        r"\b(?:friends|mates) (?:have |'ve |all )?(?:moved away|moved on|gone off)\b",
        r"\bneed (?:a|some) (?:friend|friends|mate|mates)\b",
        r"\bnatter\b",
        r"\bsociali[sz]\w*",
        r"\bno family (?:nearby|near|around|close|here)\b",
        r"\bmiss (?:seeing|having|talking to) (?:people|ppl|friends|someone)\b",
        r"\blost touch\b",
        r"\b(?:has|have|got|i'?ve) (?:no ?one|nobody|noone|no1)\b",
        r"\bbit of company\b",
        r"\bsee a soul\b",
        r"\bchatty (?:cafe|bench|table)s?\b",
        r"\b(?:nobody|no ?one|noone) (?:ever )?(?:comes? (?:round|to see|to visit)|visits)\b",
        r"\bbe around (?:people|other people|others)\b",
        r"\bfriend(?:ship)? groups?\b",
        r"\bsomeone to go (?:out|for a (?:coffee|brew|cuppa|walk|drink)) with\b",
        r"\bmeet (?:some )?new faces\b",
        r"\bfriendship\b",
        r"\bwish i had (?:some |any |more )?(?:friends|mates|someone to talk to)\b",
        r"\bmeet (?:other|more) (?:dads|mums|moms|parents|people|men|women|lads|girls)\b",
        r"\b(?:nobody|no ?one|noone|no1) to (?:go out|do things|spend time) with\b",
    ),
    "work": (
        r"(?<!good )\bjob(?:s|less)?\b",
        r"\bjob ?cent(?:re|er)\b",
        r"\bwork ?coach\b",
        r"\bcv\b",
        r"\bcover(?:ing)? letter\b",
        r"\bsupervisor\b",
        r"\binterview(?:s|ed)?\b",
        r"\bredundan\w*",
        r"\bsacked\b",
        r"\bfired\b",
        r"\bdismiss(?:ed|al)\b",
        r"\blaid off\b",
        r"\bunemploy\w*",
        r"\bemploy(?:er|ers|ment|ed)\b",
        r"\b(?:at|from|off|into|back to|return to|returning to|out of|looking for|"
        r"look for|lookin for|find|finding|get|"
        r"getting|no|any|part time|full time) work\b(?! out)",
        r"\bworkplace\b",
        r"\b(?:my|the|our|his|her|a) boss(?:es)?\b",
        r"\bsick (?:note|pay)\b",
        r"\bfit ?note\b",
        r"\boff sick\b",
        r"\bssp\b",
        r"\bzero ?-?hours?\b",
        r"\bshifts\b",
        r"\b(?:my|a|the|night|day|extra|no|any) shift\b",
        r"\b(?:cut|cutting|reduced|reduce|lost) (?:my |our |his |her )?hours\b",
        r"\b(?:not|n'?t|never|not been|hasn'?t|hasnt|haven'?t|havent|won'?t|"
        r"wont) (?:been )?pa(?:id|y) (?:me )?(?:my )?wages?\b",
        r"\bwages? (?:not|haven'?t|hasn'?t|havent|hasnt|are late|owed|missing|short|docked)\b",
        r"\b(?:unpaid|owed|docked|minimum|living) wages?\b",
        r"\bwork(?: is|'s) (?:making|getting|stressing|killing|doing)\b",
        r"\b(?:they|boss|work|employer|manager|company|agency) (?:\w+ )?let me go\b",
        r"\b(?:my|the) (?:line )?manager\b",
        r"\bcontract (?:ends|ending|finish\w*|not renewed|is up)\b",
        r"^work$",
        r"\b(?:agency|evening|weekend|night|temp|temporary|bar|shop|warehouse|cleaning|office|"
        r"seasonal|casual) work\b(?! out)",
        r"\bphased return\b",
        r"\b(?:got|been|was|were|being) let go\b",
        r"\bholiday pay\b",
        r"\bpayslips?\b",
        r"\bapprentice\w*",
        r"\bcareers?\b",
        r"\bdisciplinary\b",
        r"\bgrievance\b",
        r"\btribunal\b",
        r"\bacas\b",
        r"\baccess to work\b",
        r"\bwork experience\b",
    ),
    "wellbeing": (
        r"\banx\w*",
        r"\bpanic attacks?\b",
        r"\bdepres+\w*",
        r"\blow mood\b",
        r"\b(?:feel|feeling|felt|feels) (?:so |really |very |a bit |quite |dead )?"
        r"(?:low|down|rubbish|flat|numb|sad|awful|teary|tearful|hopeless|crap)\b",
        r"\b(?:been|i'?m|im|i am) (?:so |really |very |a bit |quite |dead )?"
        r"(?:low|down|rubbish|flat|numb|sad|awful|teary|tearful|hopeless|crap)\b"
        r"(?! (?:broke|to|on|at|the|by|with|for|from|here|there|south|my|our|a|and out)\b)",
        r"\bswitch (?:my )?(?:brain|head|mind) off\b",
        rf"\b(?:{_CANT}|not|couldn'?t) (?:sleep|sleeping|switch off)\b",
        r"\binsomnia\b",
        r"\bmental health\b",
        r"\bmental(?:ly)? (?:wellbeing|well-being|state)\b",
        r"\btalking therap\w*",
        r"\btherap(?:y|ist)\b",
        r"\bwell ?-?being\b",
        r"\bmindful\w*",
        r"\bself ?-?care\b",
        r"\bself ?-?esteem\b",
        r"\bhead(?:'s| is) (?:a mess|all over|mashed|in bits|wrecked)\b",
        r"\bon top of me\b",
        r"\b(?:i'?m|im|i am|me|life'?s|life is|everything'?s|everything is) falling apart\b",
        r"\bon edge\b",
        r"\bnerves (?:are )?(?:shot|gone|bad)\b",
        r"\bracing thoughts\b",
        r"\boverthink\w*",
        r"\b(?:makes?|made|making) me (?:feel )?(?:so |really )?"
        r"(?:low|down|anxious|sad|depressed)\b",
        r"\bmind (?:won'?t|wont|will not) (?:switch off|stop)\b",
        r"\bnot (?:been )?myself\b",
        r"\bnot in a good place\b",
        r"\b(?:sad|low|anxious|angry|teary|tearful|on edge|irritable|exhausted) all the time\b",
        r"\b(?:i'?m|im|i am) going mad\b",
    ),
    "physical_activity": (
        r"\bget(?:ting)? fit(?:ter)?\b(?! note)",
        r"\bkeep(?:ing)? fit\b",
        r"\bfit(?:ter|ness|nes)\b",
        r"\bunfit\b",
        r"\b(?:lose|losing|shift|shed) (?:some |a bit of |the )?weight\b",
        r"\bweight ?loss\b",
        r"\b(?:lose|losing|shift|shed) (?:a |a couple of |two |three |\d+ )?stones?\b",
        r"\boverweight\b",
        r"\bput (?:on )?(?:loads of |a lot of |some )?weight\b",
        r"\bexc?e?r[csz]i[sz]\w*",
        r"\bgyms?\b",
        r"\bswim\w*",
        r"\bwalking (?:groups?|football|netball|clubs?)\b",
        r"\b(?:group|health|nordic) walk(?:s|ing)?\b",
        r"\b(?:go|going|get out|get) (?:out )?for (?:a )?walks?\b",
        r"\b(?:go|going|start|started|get into|getting into|take up|took up|"
        r"into|love|enjoy|tried) running\b",
        r"\brunning (?:club|group|shoes|track)s?\b",
        r"\bwalks\b(?! (?:out|off|away|in|into|all over))",
        r"\bsomething active\b",
        r"^active$",
        r"\brun(?:ning)? club\b",
        r"\bcouch to 5k\b",
        r"\bc25k\b",
        r"\bpark ?runs?\b",
        r"\b(?:on|back on) (?:my|a|the) bike\b",
        r"\bstep count\b",
        r"\b(?:play|playing|played|walking|5 ?-?a ?-?side|five ?-?a ?-?side|"
        r"women'?s|ladies|veterans) football\b",
        r"\bfootball (?:club|team|for (?:adults|beginners|over|women|men|"
        r"ladies|kids)|sessions?|training)\b",
        r"\bnetball\b",
        r"\bbadminton\b",
        r"\btennis\b",
        r"\bboxing\b(?! day)",
        r"\bcycl(?:ing|e club)\b",
        r"\bride a bike\b",
        r"\byoga\b",
        r"\bpilates\b",
        r"\bzumba\b",
        r"\bdanc(?:e|ing) class\w*",
        r"\btai chi\b",
        r"\baerobics\b",
        r"\bboot ?camp\b",
        r"\bsports?\b",
        r"\bleisure cent(?:re|er)s?\b",
        r"\b(?:more|get|getting|stay|staying|keep|keeping|be|being) active\b",
        r"\bcardiac rehab\w*",
        r"\bstrength and balance\b",
        r"\bin shape\b",
        r"\btone up\b",
        r"\bmove more\b",
        r"\bslimming\b",
    ),
    "carers": (
        r"\bcar(?:er|ers|ers'|er's|eres|ors)\b",
        r"\bcaring\b",
        r"\bdementia\b",
        r"\bdisabled (?:child|children|son|daughter|kids|baby)\b",
        r"\b(?:24 ?hour|24/7|round the clock|full ?time) care\b",
        r"\balzheimer'?s\b",
        r"\blook(?:ing|s|ed)? after (?:him|her|them|someone|somebody|family|"
        r"a relative)\b(?! (?:kids|children|baby))",
        r"\b(?:i|we) care for\b",
        r"\bcare for (?:my|our|his|her|their|a|an|someone|somebody|him|them)\b",
        rf"\blook(?:ing|s|ed)? after (?:{_MY}|the) (?:disabled |elderly |poorly |sick )?"
        r"(?:mum|mam|mom|mother|dad|father|parents?|nan|nana|gran|grandma|grandad|grandmother|"
        r"grandfather|husband|wife|partner|son|daughter|brother|sister|grandchildren|grandkids|"
        r"grandson|granddaughter|grandchild|"
        r"family|auntie|uncle)\b",
        r"\brespite\b",
        r"\bkinship\b",
        r"\bspecial guardian\w*",
        r"\bsitting service\b",
        r"\bshort breaks?\b",
        rf"\b{_CANT} (?:leave|be left) (?:him|her|them|my \w+) (?:on (?:his|"
        r"her|their) own|alone)\b",
    ),
    "domestic_abuse": (
        r"\bdomestic (?:abuse|violence)\b",
        r"\bdom abuse\b",
        r"\bdv\b",
        r"(?<!substance )(?<!drug )(?<!drugs )(?<!alcohol )\babus(?:e|es|ed|ive|er|ers|ing)\b",
        rf"\b{_ABUSER} (?:\w+ )?(?:hits?|hitting|beats?|beating|punch(?:es|ed)?|slap(?:s|ped)?|"
        r"kick(?:s|ed)|push(?:es|ed)|shoves?|shoved|chok(?:es|ed)|strangl(?:es|ed)|hurts?|hurting|threatens?|"
        r"threatening|threatened) (?:me|her|him|us|my mum|my mam)\b"
        r"(?!'s| (?:back|leg|legs|arm|knee|hip|foot|hand|shoulder|neck|head|feelings|out)\b)",
        r"\bhands? (?:round|around) my (?:neck|throat)\b",
        r"\b(?:been|being|getting|got) (?:beaten|battered)\b",
        r"\bcontrolling\b",
        r"\bcoercive\b",
        r"\bcontrols (?:all )?(?:the|my) (?:money|finances|phone|life)\b",
        r"\bcontrols? (?:everything|me|what i)\b",
        r"\b(?:scared|frightened|afraid|terrified) (?:of )?what (?:he|she)(?:'ll|"
        r" will| might| would)\b",
        r"\b(?:he|she|partner|husband|wife|boyfriend|girlfriend) (?:won'?t|wont|doesn'?t|never) "
        r"gives? me (?:any )?money\b",
        r"\btakes? (?:all )?my (?:money|wages|bank card|card|benefits|pension) (?:off|from) me\b",
        r"\b(?:been|was|is|gets|getting) violent\b",
        r"\bviolent (?:relationship|partner|husband|wife|boyfriend|girlfriend|ex)\b",
        r"\binjunction against\b",
        r"\b(?:scared|frightened|afraid|terrified) of (?:him|her|my (?:partner|husband|wife|"
        r"boyfriend|girlfriend|bf|gf|ex|son|dad|father|step ?dad))\b",
        rf"\b{_WONT} leave (?:me|us|her) alone\b",
        r"\bstalk(?:ed|ing|er|s me|s her|s us)\b",
        r"\bex (?:\w+ )?(?:harass\w*|keeps? (?:messag|texting|ringing|calling|"
        r"turning|showing|following|threat)\w*|turns up)",
        r"\brefuges?\b",
        r"\bwomen'?s aid\b",
        r"\bidva\b",
        r"\bmarac\b",
        r"\bnon ?-?mol\w*",
        r"\bclare'?s law\b",
        r"\bforced marriage\b",
        r"\bforcing me to (?:get )?marr\w*",
        r"\bhonou?r ?-?based\b",
        r"\bwalking on eggshells\b",
        r"\btrack(?:s|ing)? my (?:phone|location|car)\b",
        r"\btracker on my\b",
        r"\bchecks my phone\b",
        rf"\b(?:he|she|partner|husband|wife|boyfriend|girlfriend|bf|gf|ex) {_WONT} let me "
        r"(?:see|go|have|work|leave|out|talk|speak)\b",
        r"\bviolent (?:to|towards|with)\b",
        r"\bhistory of (?:violence|abuse|domestic)\b",
        r"\b(?:gets|got|getting) physical\b",
        r"\bthrow(?:s|ing)? things\b",
        r"\bputs? me down\b",
        r"\bcalls? me names\b",
        r"\bsmash(?:ed|es)? (?:up )?my phone\b",
        r"\bleave safely\b",
        r"\b(?:he|she|partner|husband|wife|boyfriend|girlfriend|bf|gf|ex) (?:\w+ )?makes? me feel "
        r"(?:worthless|useless|stupid|like nothing|small|like dirt)\b",
        r"\b(?:not|never) allowed to (?:see|go out|leave|have|talk|speak|use)\b",
        r"\block(?:s|ed)? me (?:in|out)\b(?! of (?:my|the|our) (?:account|app|phone|online))",
        r"\bsends? (?:me )?threats\b",
        r"\bgo(?:es)? through my (?:messages|phone|texts)\b",
        r"\bget away from (?:him|her|my (?:partner|husband|wife|boyfriend|girlfriend|ex))\b",
        r"\b(?:nobody|no ?one|noone) (?:will|would|'d|'ll) (?:ever )?believe me\b",
        r"\b(?:he|she)(?:'ll| will| would|'d) (?:\w+ )?(?:hurt|hit|beat) (?:me|us|the kids)\b",
        r"\b(?:take|have) the kids (?:off me )?if i leave\b",
        r"\bleave (?:him|her) but (?:i'?m|im|i am) (?:scared|frightened|afraid|terrified)\b",
        r"\bsexual(?:ly)? (?:abus\w*|assault\w*)\b",
        r"\braped?\b",
        r"\b(?:my|hide|hiding|the|cover|covering) bruises\b",
    ),
    "bereavement": (
        rf"\b{_RELATIVE}(?:'s)? (?:has |had |just |suddenly |recently |is |'s )?"
        r"(?:died|dying|passed away|is dead|'s dead|was killed|got killed|"
        r"took (?:his|her|their) own life|"
        r"passed\b(?! (?:her|his|my|the|a|an|their|me|it|on|over|out|away|"
        r"all|both|exams?|test)\b))",
        r"\bpassed away\b",
        rf"\blost {_MY} (?:\w+ )?{_RELATIVE}\b(?!'s| job| to (?:social|the council|care|foster))",
        rf"\blost (?:a|an|their|his|her|our) (?:\w+ )?{_RELATIVE}\b(?!'s| to (?:social|"
        r"the council|care|foster))",
        r"\bwho (?:has |had |just )?(?:passed|died)\b",
        rf"\b(?:over|since|after|grieving|coping with|cope with) losing (?:him|her|them|"
        rf"{_MY} (?:\w+ )?{_RELATIVE}\b|a (?:baby|child|parent|loved one))",
        r"\blost (?:someone|somebody|a loved one)\b",
        r"\b(?:someone|somebody) (?:close to me|i love|i loved) (?:has )?(?:died|passed)\b",
        r"\b(?:when )?(?:someone|somebody) dies\b",
        r"\bdeath of (?!me\b)",
        r"\b's death\b",
        r"\bdeath in the family\b",
        r"\bregister (?:a|the) death\b",
        r"(?<!good )\bgr(?:ie|ei)(?:fs?|v(?:e|es|ed|ing))\b",
        r"\bbere?a?ve?(?:d|ment)\b",
        r"\bfun[e]?r[ae]?ls?\b",
        r"\bstillb(?:orn|irth)\w*",
        r"\bborn sleeping\b",
        r"\bheadstones?\b",
        r"\bmiscarr\w*",
        r"\bbaby loss\b",
        r"\bwidow\w*",
        r"\b(?:took|taken|take) (?:his|her|their) own life\b",
        r"\b(?:killed|hanged|hung) (?:himself|herself|themselves|themself)\b",
        r"\b(?:died|lost \w+ (?:\w+ )?to|death by|bereaved by) suicide\b",
        r"\banniversary of (?:\w+ )?(?:\w+ )?death\b",
    ),
    "substance_use": (
        r"(?<!soft )(?<!fizzy )(?<!hot )(?<!free )\bdrink(?:ing|in|s|er|ers)\b(?! (?:water|"
        r"tea|coffee|enough))",
        r"\bdrink (?:problem|issue)s?\b",
        r"\bneed a drink\b",
        r"\bwithout a drink\b",
        r"\bon the (?:ale|booze|drink|bevvy|bevy|piss|sauce|gear)\b",
        r"\b(?:i|he|she|they|we) drink\b(?! (?:water|tea|coffee|milk|juice|pop|squash))",
        r"\brecovery (?:groups?|meetings?|community|cafe|service)\b",
        r"\bin recovery\b",
        r"\balc[oa]?h?[oa]l\w*",
        r"\bdrunk\b",
        r"\bbooze\b",
        r"\bbev+y\b",
        r"\bbevvies\b",
        r"\bdrugs?\b",
        r"\bcocaine\b",
        r"(?<!diet )(?<!a )(?<!of )(?<!fat )(?<!zero )\bcoke\b",
        r"\bcannabis\b",
        r"\bweed\b",
        r"\bskunk\b",
        r"\bheroin\b",
        r"\b(?:on|smok\w*|using|use) crack\b",
        r"\bcrack (?:cocaine|pipe|addict\w*)\b",
        r"\bmethadone\b",
        r"\bsubutex\b",
        r"\bketamine\b",
        r"\bket\b",
        r"\bspice\b",
        r"\bmdma\b",
        r"(?<!gambling )(?<!gaming )\baddict(?:ed|ion|s)?\b(?! to (?:gambl|"
        r"bett|gam|slot|the bookies|my phone))",
        r"\bhooked on\b",
        r"(?<!cardiac )(?<!heart )(?<!physio )\brehab\b",
        r"\bdetox\b",
        r"\b(?:aa|na) meetings?\b",
        r"\baa near\b",
        r"\b(?:alcoholics|narcotics) anonymous\b",
        r"\bal ?-?anon\b",
        r"\bsob(?:er|riety)\b",
        r"\brelaps\w*",
        r"\b(?:stay|staying|get|getting|been|be|keep) clean\b(?! (?:clothes|"
        r"water|sheets|bedding|towels|uniform))",
        r"\busing again\b",
        r"\bneedle exchange\b",
        r"\bnaloxone\b",
        r"\bbinge(?:ing|s|d)?\b(?! ?-?(?:watch|eat))",
        r"\bhangover\w*",
        r"\bhung ?over\b",
    ),
    "learning": (
        r"(?<!of )(?<!golf )\bc(?:ou|o)r[cs]e?s\b",
        r"(?<!of )(?<!golf )(?<!due )(?<!main )\bc(?:ou|o)rse\b(?! of (?:antibiotics|"
        r"tablets|treatment))",
        r"\bcource\b",
        r"\besol\b",
        r"\b(?:learn|learning|improve|better|speak|practi[sc]e|lessons? in|class(?:es)? in|study) "
        r"(?:my )?en?gli?sh\b",
        r"\bfood hygiene\b",
        r"\bcreative writing\b",
        r"\b(?:help with|improve|improving) (?:my )?(?:reading|writing|spelling)\b",
        r"\ben?gli?sh (?:class\w*|lesson\w*|course\w*|gcse\w*|language|is (?:not|"
        r"bad|poor|ok|okay))\b",
        r"\bmaths?\b",
        r"\bgcses?\b",
        r"\bfunctional skills\b",
        r"\bqualifications?\b",
        r"\b(?:a-?levels?|a levels)\b",
        r"\bnvq\b",
        r"\baccess (?:course|to higher education)\b",
        r"\bcollege\b",
        r"\buniversity\b",
        r"\blearn(?:ing|in|t|ed)?\b(?! (?:disab|difficult))",
        r"\bstudy(?:ing)?\b",
        r"\b(?:adult|further|higher|back into|back to) education\b",
        r"\b(?:computer|digital|it|reading|writing|literacy|maths|english|new) skills?\b",
        r"\b(?:how to|learn to|learn how to|help(?: me)?(?: to)?|teach me to|"
        r"teach me how to) (?:use|using) "
        r"(?:a|the|my|an) (?:computer|laptop|internet|tablet|ipad|smartphone|email)\b",
        r"\bliteracy\b",
        r"\bnumeracy\b",
        r"\breading and writing\b",
        rf"\b{_CANT} read(?: or write| and write)?(?: very| too)? well\b",
        r"\bconfidence (?:course|building|class)\w*",
        r"\b(?:english|maths|computer|it|cooking|art|evening|night|sign language|bsl|spanish|"
        r"french|language|reading|writing|literacy|adult|pottery|craft|sewing|"
        r"photography) class\w*",
        r"\b(?:spanish|french|language|sign language|bsl) lessons?\b",
        r"\bretrain\w*",
        r"\b(?:computer|it|maths|english|reading|writing|ipad|phone|laptop) lessons?\b",
        r"\bdiploma\b",
    ),
}

# Weak signals: feelings that often describe the reaction to another problem. They count
# only when nothing strong matched, in any category.
_WEAK: dict[str, tuple[str, ...]] = {
    "wellbeing": (
        r"\bstres+\w*",
        r"\boverwhelm\w*",
        rf"\b(?:{_CANT}|not|couldn'?t) cop(?:e|ing)\b",
        # ...but not "don't worry about it", "no worries", "not worried" (reassurance).
        r"(?<!don't )(?<!dont )(?<!do not )(?<!no )(?<!not )(?<!never )\bworr(?:y|ied|ying|ies)\b",
        r"\bcounsel+(?:ing|or|lor)s?\b",
        r"\bcry(?:ing)?\b",
        r"\bburn(?:t|ed)? ?-?out\b",
        r"\bnervous\b",
        r"\b(?:everything|it all|life)(?:'s| is| feels| seems)? (?:just )?too much\b",
        r"\bpanic\w*",
        r"\bmentally\b",
        r"\birritable\b",
        r"\bgoing under\b",
        r"\bstruggling\b",
        r"\bno (?:energy|motivation)\b",
        r"\blost (?:all )?(?:my )?motivation\b",
        rf"\b{_CANT} be bothered\b",
        r"\brelax\w*",
        r"\bin myself\b",
        r"\bhow (?:i'?m|im|i am) feeling\b",
        r"\bmy feelings\b",
    ),
    "loneliness": (r"\bon (?:my|his|her) own\b",),
}


def _compile(table: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    return {need: re.compile("|".join(f"(?:{p})" for p in pats)) for need, pats in table.items()}


_STRONG_RE: dict[str, re.Pattern[str]] = _compile(_STRONG)
_WEAK_RE: dict[str, re.Pattern[str]] = _compile(_WEAK)

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
_SPACE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES).lower()).strip()


def need_from_intent(intent: str | None) -> str | None:
    """``"need_money"`` -> ``"money"``; any other intent (or None) -> None."""
    if not intent or not intent.startswith(INTENT_PREFIX):
        return None
    need = intent[len(INTENT_PREFIX) :]
    return need if need in _RANK else None


def order_by_urgency(needs: Iterable[str]) -> list[str]:
    """Known needs, most urgent first, without duplicates; unknown ids are dropped."""
    return sorted({n for n in needs if n in _RANK}, key=_RANK.__getitem__)


def most_urgent(needs: Iterable[str]) -> str | None:
    """The most urgent known need, or None if there is none."""
    ordered = order_by_urgency(needs)
    return ordered[0] if ordered else None


def detect_needs(text: str) -> list[str]:
    """Needs mentioned in ``text`` by keyword or phrase, most urgent first, no duplicates."""
    if not text:
        return []
    clean = _normalise(text)
    found = [need for need, pattern in _STRONG_RE.items() if pattern.search(clean)]
    if not found:
        found = [need for need, pattern in _WEAK_RE.items() if pattern.search(clean)]
    return order_by_urgency(found)
