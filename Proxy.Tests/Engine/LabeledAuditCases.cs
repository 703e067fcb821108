using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

/// <summary>
/// A hand-written evaluation set for hallucination detection. Each answer is written the way a model might answer
/// a user; the label says whether it states anything the context does not back. The cases were written before
/// looking at how the engine scores them and are not special-cased anywhere.
/// </summary>
public static class LabeledAuditCases
{
    public const string Faithful = "faithful";
    public const string Paraphrase = "faithful-paraphrase";
    public const string EntitySwap = "entity-swap";
    public const string NumberChange = "number-or-date-change";
    public const string NegationFlip = "negation-flip";
    public const string UnsupportedAddition = "unsupported-addition";
    public const string PartialMultiClaim = "partial-multi-claim";

    private static readonly EvidenceDocument[] EiffelTower =
    [
        new("eiffel-1",
            "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. " +
            "It is named after the engineer Gustave Eiffel, whose company designed and built the tower. " +
            "Construction began in January 1887, and the tower was completed in March 1889. " +
            "It was built as the entrance arch to the 1889 World's Fair. " +
            "The tower is 330 metres tall and weighs about 10,100 tonnes. " +
            "It was the tallest man-made structure in the world until the Chrysler Building in New York was finished in 1930."),
        new("eiffel-2",
            "The tower has three levels for visitors, with restaurants on the first and second levels. " +
            "The top level's upper platform is 276 metres above the ground. " +
            "Tickets can be purchased to ascend by stairs or lift to the first and second levels."),
    ];

    private static readonly EvidenceDocument[] Netherlands =
    [
        new("nl-1",
            "Amsterdam is the capital and most populous city of the Netherlands. " +
            "The seat of government, however, is The Hague, where the parliament and the king's working palace are located. " +
            "Rotterdam is home to the largest seaport in Europe. " +
            "The Netherlands has a population of about 17.9 million people and its official language is Dutch."),
    ];

    private static readonly EvidenceDocument[] MarieCurie =
    [
        new("curie-1",
            "Marie Curie was a Polish and naturalised-French physicist and chemist who conducted pioneering research on radioactivity. " +
            "She was born in Warsaw in 1867. " +
            "In 1903 she shared the Nobel Prize in Physics with Pierre Curie and Henri Becquerel. " +
            "She won a second Nobel Prize, in Chemistry, in 1911 for the discovery of polonium and radium. " +
            "She was the first woman to win a Nobel Prize and remains the only person to win Nobel Prizes in two scientific fields."),
    ];

    private static readonly EvidenceDocument[] PythonLanguage =
    [
        new("python-1",
            "Python is a high-level, general-purpose programming language. " +
            "It was created by Guido van Rossum and first released in 1991. " +
            "Python uses significant indentation to delimit code blocks. " +
            "Python 2.0 was released in 2000, and Python 3.0 was released in December 2008. " +
            "Python 3.0 was not backward compatible with Python 2. " +
            "Python 2 reached end of life on January 1, 2020."),
    ];

    private static readonly EvidenceDocument[] Northwind =
    [
        new("northwind-about",
            "Northwind Analytics was founded in 2012 by Priya Raman and Tomas Lind in Copenhagen. " +
            "The company sells a data-quality platform to retailers and logistics firms. " +
            "It has 240 employees and offices in Copenhagen, Berlin and Toronto. " +
            "In 2023 Northwind reported annual revenue of 38 million euros."),
        new("northwind-news",
            "In March 2024 Northwind acquired Fieldline, a Swedish start-up that builds sensor dashboards. " +
            "The chief executive officer is Priya Raman; Tomas Lind serves as chief technology officer."),
    ];

    private static readonly EvidenceDocument[] RouterManual =
    [
        new("router-manual",
            "To reset the AX3000 router to factory settings, press and hold the reset button for 10 seconds while the router is powered on. " +
            "The power light will blink amber while the router restarts. " +
            "After the reset, the default Wi-Fi password is printed on the label on the bottom of the router. " +
            "The router supports the 2.4 GHz and 5 GHz bands. " +
            "Firmware updates are installed automatically every night at 3 a.m. unless automatic updates are disabled in the app. " +
            "The router does not support the 6 GHz band."),
    ];

    private static readonly EvidenceDocument[] OrdersApi =
    [
        new("orders-api",
            "The Orders API accepts requests over HTTPS only. " +
            "Every request must include an API key in the X-Api-Key header. " +
            "Clients are limited to 100 requests per minute; requests above the limit receive status code 429. " +
            "The GET /orders endpoint returns at most 50 orders per page and supports cursor-based pagination. " +
            "The endpoint does not support filtering by customer name. " +
            "Deleted orders are kept for 30 days before they are permanently removed."),
    ];

    private static readonly EvidenceDocument[] Ibuprofen =
    [
        new("ibuprofen-leaflet",
            "For adults and children over 12 years, the usual dose of ibuprofen is 200 mg to 400 mg every 4 to 6 hours. " +
            "Do not take more than 1,200 mg in 24 hours without medical advice. " +
            "Ibuprofen should be taken with food or milk to reduce stomach upset. " +
            "Ibuprofen is not recommended during the last three months of pregnancy. " +
            "People with a history of stomach ulcers should not take ibuprofen."),
    ];

    private static readonly EvidenceDocument[] Photosynthesis =
    [
        new("biology-1",
            "Photosynthesis is the process by which plants, algae and some bacteria convert light energy into chemical energy. " +
            "It takes place mainly in the chloroplasts of leaf cells. " +
            "During photosynthesis, carbon dioxide and water are converted into glucose, and oxygen is released as a by-product. " +
            "Chlorophyll, the green pigment in chloroplasts, absorbs mostly blue and red light."),
    ];

    private static readonly EvidenceDocument[] Apollo11 =
    [
        new("apollo-1",
            "Apollo 11 was the American spaceflight that first landed humans on the Moon. " +
            "Commander Neil Armstrong and lunar module pilot Buzz Aldrin landed the Eagle on July 20, 1969. " +
            "Michael Collins remained in lunar orbit aboard the command module Columbia. " +
            "Armstrong became the first person to step onto the lunar surface. " +
            "The crew returned to Earth on July 24, 1969, splashing down in the Pacific Ocean."),
    ];

    private static readonly EvidenceDocument[] WaterBoiling =
    [
        new("chemistry-1",
            "At sea level, pure water boils at 100 degrees Celsius. " +
            "At higher altitudes the air pressure is lower, so water boils at a lower temperature. " +
            "Adding salt to water raises its boiling point slightly. " +
            "Water freezes at 0 degrees Celsius under standard pressure."),
    ];

    private static readonly EvidenceDocument[] CacheLibrary =
    [
        new("cache-docs",
            "The MemoryCache class stores entries in process memory. " +
            "Each entry can have an absolute expiration and a sliding expiration. " +
            "When the size limit is reached, the cache evicts the least recently used entries first. " +
            "The Get method returns null when the key is not found. " +
            "MemoryCache is thread-safe and can be shared between requests. " +
            "Entries are not persisted across application restarts."),
    ];

    private static readonly EvidenceDocument[] Amazon =
    [
        new("amazon-1",
            "The Amazon River in South America is the largest river by discharge volume of water in the world. " +
            "It flows through Peru, Colombia and Brazil before emptying into the Atlantic Ocean. " +
            "The river is about 6,400 kilometres long. " +
            "The Amazon rainforest covers much of the river basin and is home to about 10% of the known species on Earth."),
    ];

    private static readonly EvidenceDocument[] Everest =
    [
        new("everest-1",
            "Mount Everest is Earth's highest mountain above sea level, located in the Himalayas on the border between Nepal and China. " +
            "Its elevation of 8,849 metres was confirmed by a joint survey in 2020. " +
            "Edmund Hillary and Tenzing Norgay made the first confirmed ascent on 29 May 1953. " +
            "Most climbers attempt the summit in May, when the jet stream moves north."),
    ];

    private static readonly EvidenceDocument[] KubernetesProbes =
    [
        new("k8s-probes",
            "A liveness probe tells the kubelet when to restart a container. " +
            "A readiness probe tells the kubelet when a container is ready to accept traffic; a pod that is not ready is removed from service load balancers. " +
            "The default periodSeconds for a probe is 10 seconds, and the default failureThreshold is 3. " +
            "Startup probes disable liveness and readiness checks until the container has started."),
    ];

    private static readonly EvidenceDocument[] Paracetamol =
    [
        new("paracetamol-leaflet",
            "Adults can take one or two 500 mg tablets of paracetamol up to four times in 24 hours. " +
            "Always leave at least 4 hours between doses. " +
            "Do not take more than 8 tablets in 24 hours. " +
            "Paracetamol can be taken during pregnancy and while breastfeeding. " +
            "Taking too much paracetamol can cause serious liver damage."),
    ];

    private static readonly EvidenceDocument[] PricingPage =
    [
        new("pricing",
            "The Team plan costs 12 dollars per user per month when billed annually. " +
            "It includes 100 GB of storage per user and single sign-on. " +
            "The Free plan is limited to 3 projects and does not include single sign-on. " +
            "Enterprise customers get a 99.9% uptime guarantee and a dedicated support manager."),
    ];

    private static readonly EvidenceDocument[] Magellan =
    [
        new("magellan-1",
            "Ferdinand Magellan was a Portuguese explorer who led the Spanish expedition of 1519 to the East Indies. " +
            "The expedition sailed from Seville with five ships. " +
            "Magellan was killed in the Battle of Mactan in the Philippines in 1521. " +
            "Juan Sebastián Elcano completed the first circumnavigation of the Earth in 1522 with a single ship, the Victoria."),
    ];

    /// <summary>All cases: the development batch and the held-out batch.</summary>
    public static IReadOnlyList<LabeledAuditCase> All => [.. Development, .. HeldOut];

    /// <summary>The first batch, written up front and used while the matching heuristics were developed.</summary>
    public static IReadOnlyList<LabeledAuditCase> Development { get; } =
    [
        // ---- Faithful answers: close to the wording of the context. ----
        new("eiffel-height", Faithful, EiffelTower,
            "The Eiffel Tower is 330 metres tall.", false),
        new("eiffel-completion", Faithful, EiffelTower,
            "Construction of the Eiffel Tower began in January 1887, and the tower was completed in March 1889.", false),
        new("netherlands-capital", Faithful, Netherlands,
            "Amsterdam is the capital of the Netherlands.", false),
        new("curie-nobel-1903", Faithful, MarieCurie,
            "Marie Curie shared the 1903 Nobel Prize in Physics with Pierre Curie and Henri Becquerel.", false),
        new("python-creator", Faithful, PythonLanguage,
            "Python was created by Guido van Rossum and first released in 1991.", false),
        new("northwind-founders", Faithful, Northwind,
            "Northwind Analytics was founded in 2012 by Priya Raman and Tomas Lind in Copenhagen.", false),
        new("router-reset", Faithful, RouterManual,
            "Sure! To reset the AX3000 router to factory settings, press and hold the reset button for 10 seconds while it is powered on. " +
            "The power light will blink amber while the router restarts. I hope this helps!", false),
        new("orders-rate-limit", Faithful, OrdersApi,
            "Clients are limited to 100 requests per minute, and requests above the limit receive status code 429.", false),
        new("ibuprofen-dose", Faithful, Ibuprofen,
            "For adults, the usual dose of ibuprofen is 200 mg to 400 mg every 4 to 6 hours. Ibuprofen should be taken with food or milk.", false),
        new("photosynthesis-basics", Faithful, Photosynthesis,
            "Photosynthesis takes place mainly in the chloroplasts of leaf cells. During photosynthesis, carbon dioxide and water are converted into glucose, and oxygen is released.", false),
        new("apollo-landing", Faithful, Apollo11,
            "Here is the answer: Neil Armstrong and Buzz Aldrin landed the Eagle on the Moon on July 20, 1969, while Michael Collins remained in lunar orbit.", false),
        new("amazon-countries", Faithful, Amazon,
            "According to the context, the Amazon flows through Peru, Colombia and Brazil before emptying into the Atlantic Ocean.", false),

        // ---- Faithful paraphrases: reordered, restructured, different function words; must not be flagged. ----
        new("paraphrase-eiffel-named", Paraphrase, EiffelTower,
            "The tower takes its name from Gustave Eiffel, the engineer whose company designed and built it.", false),
        new("paraphrase-capital-reordered", Paraphrase, Netherlands,
            "The capital of the Netherlands is Amsterdam, which is also its most populous city.", false),
        new("paraphrase-hague-government", Paraphrase, Netherlands,
            "The Dutch parliament sits in The Hague, which is the seat of government.", false),
        new("paraphrase-curie-birth", Paraphrase, MarieCurie,
            "Marie Curie, a physicist and chemist, was born in 1867 in Warsaw.", false),
        new("paraphrase-python-indentation", Paraphrase, PythonLanguage,
            "Code blocks in Python are delimited using significant indentation.", false),
        new("paraphrase-python3-compat", Paraphrase, PythonLanguage,
            "Python 3.0, released in December 2008, was not backward compatible with Python 2.", false),
        new("paraphrase-northwind-offices", Paraphrase, Northwind,
            "With 240 employees, Northwind has offices in Berlin, Toronto and Copenhagen.", false),
        new("paraphrase-orders-api-key", Paraphrase, OrdersApi,
            "You need to send an API key in the X-Api-Key header with every request to the Orders API.", false),
        new("paraphrase-orders-pagination", Paraphrase, OrdersApi,
            "GET /orders uses cursor-based pagination and returns no more than 50 orders per page.", false),
        new("paraphrase-ibuprofen-ulcers", Paraphrase, Ibuprofen,
            "If you have a history of stomach ulcers, you should not take ibuprofen.", false),
        new("paraphrase-boiling-altitude", Paraphrase, WaterBoiling,
            "Because air pressure is lower at higher altitudes, the boiling temperature of water is lower there.", false),
        new("paraphrase-cache-eviction", Paraphrase, CacheLibrary,
            "Once the size limit has been reached, the least recently used entries are evicted first by the cache.", false),
        new("paraphrase-cache-threadsafe", Paraphrase, CacheLibrary,
            "MemoryCache can be shared between requests because it is thread-safe. Entries are not persisted when the application restarts.", false),
        new("paraphrase-apollo-return", Paraphrase, Apollo11,
            "The Apollo 11 crew splashed down in the Pacific Ocean on July 24, 1969, on their return to Earth.", false),

        // ---- Entity swaps: a name, place or organisation replaced. ----
        new("swap-capital-rotterdam", EntitySwap, Netherlands,
            "Rotterdam is the capital of the Netherlands.", true),
        new("swap-eiffel-city", EntitySwap, EiffelTower,
            "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Lyon, France.", true),
        new("swap-curie-birthplace", EntitySwap, MarieCurie,
            "Marie Curie was born in Krakow in 1867.", true),
        new("swap-python-creator", EntitySwap, PythonLanguage,
            "Python was created by James Gosling and first released in 1991.", true),
        new("swap-northwind-ceo", EntitySwap, Northwind,
            "The chief executive officer of Northwind is Tomas Lind.", true),
        new("swap-apollo-orbit", EntitySwap, Apollo11,
            "Buzz Aldrin remained in lunar orbit aboard the command module Columbia.", true),
        new("swap-amazon-ocean", EntitySwap, Amazon,
            "The Amazon flows through Peru, Colombia and Brazil before emptying into the Pacific Ocean.", true),
        new("swap-acquisition-target", EntitySwap, Northwind,
            "In March 2024 Northwind acquired Sensora, a Swedish start-up that builds sensor dashboards.", true),

        // ---- Number or date changes. ----
        new("number-eiffel-height", NumberChange, EiffelTower,
            "The Eiffel Tower is 300 metres tall.", true),
        new("number-eiffel-completion-year", NumberChange, EiffelTower,
            "The Eiffel Tower was completed in March 1887.", true),
        new("number-rate-limit", NumberChange, OrdersApi,
            "Clients of the Orders API are limited to 1,000 requests per minute.", true),
        new("number-ibuprofen-max", NumberChange, Ibuprofen,
            "You should not take more than 2,400 mg of ibuprofen in 24 hours without medical advice.", true),
        new("number-curie-chemistry-year", NumberChange, MarieCurie,
            "Marie Curie won the Nobel Prize in Chemistry in 1921 for the discovery of polonium and radium.", true),
        new("number-apollo-date", NumberChange, Apollo11,
            "Neil Armstrong and Buzz Aldrin landed the Eagle on July 21, 1969.", true),
        new("number-router-reset-seconds", NumberChange, RouterManual,
            "To reset the router, press and hold the reset button for 30 seconds.", true),
        new("number-boiling-point", NumberChange, WaterBoiling,
            "At sea level, pure water boils at 90 degrees Celsius.", true),
        new("number-orders-retention", NumberChange, OrdersApi,
            "Deleted orders are kept for 90 days before they are permanently removed.", true),
        new("date-month-python3", NumberChange, PythonLanguage,
            "Python 3.0 was released in October 2008.", true),

        // ---- Negation flips. ----
        new("negation-router-6ghz", NegationFlip, RouterManual,
            "The AX3000 router supports the 6 GHz band.", true),
        new("negation-python3-compatible", NegationFlip, PythonLanguage,
            "Python 3.0 was backward compatible with Python 2.", true),
        new("negation-orders-filter", NegationFlip, OrdersApi,
            "The GET /orders endpoint supports filtering by customer name.", true),
        new("negation-ibuprofen-pregnancy", NegationFlip, Ibuprofen,
            "Ibuprofen is recommended during the last three months of pregnancy.", true),
        new("negation-cache-persisted", NegationFlip, CacheLibrary,
            "Entries are persisted across application restarts.", true),
        new("negation-cache-threadsafe", NegationFlip, CacheLibrary,
            "MemoryCache is not thread-safe, so it cannot be shared between requests.", true),
        new("negation-orders-https", NegationFlip, OrdersApi,
            "The Orders API does not accept requests over HTTPS.", true),

        // ---- Unsupported additions: a specific the context never mentions. ----
        new("addition-eiffel-visitors", UnsupportedAddition, EiffelTower,
            "The Eiffel Tower is 330 metres tall and receives about 7 million visitors every year.", true),
        new("addition-python-company", UnsupportedAddition, PythonLanguage,
            "Python was created by Guido van Rossum at Google and first released in 1991.", true),
        new("addition-router-wifi7", UnsupportedAddition, RouterManual,
            "The router supports the 2.4 GHz and 5 GHz bands and is certified for Wi-Fi 7 by the Wi-Fi Alliance.", true),
        new("addition-northwind-ipo", UnsupportedAddition, Northwind,
            "Northwind Analytics was founded in 2012 and went public on the Nasdaq stock exchange in 2021.", true),
        new("addition-ibuprofen-children", UnsupportedAddition, Ibuprofen,
            "Children under 12 can take 100 mg of ibuprofen every 8 hours.", true),
        new("addition-photosynthesis-night", UnsupportedAddition, Photosynthesis,
            "Photosynthesis converts light energy into chemical energy. Plants also absorb nitrogen through their roots at night.", true),
        new("addition-cache-redis", UnsupportedAddition, CacheLibrary,
            "MemoryCache stores entries in process memory and automatically replicates them to Redis.", true),
        new("addition-amazon-length", UnsupportedAddition, Amazon,
            "The Amazon is about 6,400 kilometres long and carries more sediment than the Nile and Mississippi combined.", true),

        // ---- Several claims, one good and one invented. ----
        new("multi-eiffel-designer", PartialMultiClaim, EiffelTower,
            "The Eiffel Tower was completed in March 1889. It was designed by the architect Charles Garnier.", true),
        new("multi-netherlands-language", PartialMultiClaim, Netherlands,
            "Amsterdam is the capital of the Netherlands. The official language is Dutch, and the currency is the Dutch guilder.", true),
        new("multi-curie-third-prize", PartialMultiClaim, MarieCurie,
            "Marie Curie won the Nobel Prize in Physics in 1903 and the Nobel Prize in Chemistry in 1911. She later won a third Nobel Prize for Medicine in 1920.", true),
        new("multi-orders-webhooks", PartialMultiClaim, OrdersApi,
            "Every request must include an API key in the X-Api-Key header. The API also sends webhooks when an order ships.", true),
        new("multi-apollo-collins-walked", PartialMultiClaim, Apollo11,
            "Apollo 11 first landed humans on the Moon. Michael Collins was the second person to walk on the lunar surface.", true),
        new("multi-boiling-salt", PartialMultiClaim, WaterBoiling,
            "Water freezes at 0 degrees Celsius under standard pressure. Adding sugar lowers its freezing point to minus 10 degrees.", true),
        new("multi-router-firmware", PartialMultiClaim, RouterManual,
            "Firmware updates are installed automatically every night at 3 a.m. Each update takes about 15 minutes and requires a reboot of the modem.", true),
        new("multi-amazon-species", PartialMultiClaim, Amazon,
            "The Amazon rainforest is home to about 10% of the known species on Earth. It produces 20% of the oxygen in the atmosphere.", true),
    ];

    /// <summary>
    /// The second batch, written after the heuristics were frozen and not used to change them: it shows how the
    /// engine does on answers it was not developed against.
    /// </summary>
    public static IReadOnlyList<LabeledAuditCase> HeldOut { get; } =
    [
        new("heldout-everest-height", Faithful, Everest,
            "Mount Everest is 8,849 metres high, an elevation confirmed by a joint survey in 2020.", false),
        new("heldout-everest-first-ascent", Paraphrase, Everest,
            "The first confirmed ascent of Everest was made by Edmund Hillary and Tenzing Norgay on 29 May 1953.", false),
        new("heldout-everest-border", Paraphrase, Everest,
            "Everest sits in the Himalayas, on the border of Nepal and China.", false),
        new("heldout-everest-ascent-year", NumberChange, Everest,
            "Edmund Hillary and Tenzing Norgay made the first confirmed ascent on 29 May 1963.", true),
        new("heldout-everest-climber-swap", EntitySwap, Everest,
            "Reinhold Messner and Tenzing Norgay made the first confirmed ascent of Everest in 1953.", true),
        new("heldout-k8s-liveness", Faithful, KubernetesProbes,
            "A liveness probe tells the kubelet when to restart a container.", false),
        new("heldout-k8s-defaults", Paraphrase, KubernetesProbes,
            "By default a probe runs every 10 seconds and the failure threshold is 3.", false),
        new("heldout-k8s-readiness-restart", EntitySwap, KubernetesProbes,
            "A readiness probe tells the kubelet when to restart a container.", true),
        new("heldout-k8s-period", NumberChange, KubernetesProbes,
            "The default periodSeconds for a probe is 30 seconds.", true),
        new("heldout-k8s-startup-invented", UnsupportedAddition, KubernetesProbes,
            "Startup probes disable liveness and readiness checks until the container has started, and they time out after 300 seconds by default.", true),
        new("heldout-paracetamol-dose", Faithful, Paracetamol,
            "Adults can take one or two 500 mg tablets up to four times in 24 hours, leaving at least 4 hours between doses.", false),
        new("heldout-paracetamol-pregnancy-flip", NegationFlip, Paracetamol,
            "Paracetamol cannot be taken during pregnancy.", true),
        new("heldout-paracetamol-max-tablets", NumberChange, Paracetamol,
            "Do not take more than 12 tablets in 24 hours.", true),
        new("heldout-paracetamol-liver", Paraphrase, Paracetamol,
            "An overdose of paracetamol can seriously damage the liver.", false),
        new("heldout-pricing-team", Faithful, PricingPage,
            "The Team plan costs 12 dollars per user per month, billed annually, and includes single sign-on.", false),
        new("heldout-pricing-free-sso", NegationFlip, PricingPage,
            "The Free plan includes single sign-on.", true),
        new("heldout-pricing-uptime-invented", PartialMultiClaim, PricingPage,
            "Enterprise customers get a dedicated support manager. They also get unlimited storage and a 24/7 phone line.", true),
        new("heldout-pricing-free-projects", Paraphrase, PricingPage,
            "On the Free plan you can have at most 3 projects.", false),
        new("heldout-magellan-death", Faithful, Magellan,
            "Magellan was killed in the Battle of Mactan in the Philippines in 1521.", false),
        new("heldout-magellan-circumnavigation-swap", EntitySwap, Magellan,
            "Ferdinand Magellan completed the first circumnavigation of the Earth in 1522.", true),
        new("heldout-magellan-ships", NumberChange, Magellan,
            "The expedition sailed from Seville with seven ships.", true),
        new("heldout-magellan-nationality", Paraphrase, Magellan,
            "The Spanish expedition of 1519 was led by Ferdinand Magellan, a Portuguese explorer.", false),
    ];
}
