/// The five regions of the UN geoscheme (M49), as PoA reporting and assistance offers use them: a donor funds work
/// "in Africa", a regional organisation serves its region.
public enum Region: String, Sendable, Codable, CaseIterable {
    case africa, americas, asia, europe, oceania

    public var words: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// The region of an ISO 3166-1 alpha-3 code; `nil` for Antarctica, for unassigned codes and for organisations.
    public static func of(_ code: String) -> Region? { byCountry[code] }

    private static let byCountry: [String: Region] = {
        var table: [String: Region] = [:]
        for (region, codes) in members {
            for code in codes.split(separator: " ") { table[String(code)] = region }
        }
        return table
    }()

    /// M49's composition, by region.
    private static let members: [(Region, String)] = [
        (
            .africa,
            """
            DZA EGY LBY MAR SDN TUN ESH BDI COM DJI ERI ETH KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD UGA TZA ZMB ZWE \
            AGO CMR CAF TCD COG COD GNQ GAB STP BWA SWZ LSO NAM ZAF BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA \
            SHN SEN SLE TGO IOT ATF
            """
        ),
        (
            .americas,
            """
            AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF VCT SXM TTO TCA \
            VIR BLZ CRI SLV GTM HND MEX NIC PAN ARG BOL BVT BRA CHL COL ECU FLK GUF GUY PRY PER SGS SUR URY VEN BMU CAN \
            GRL SPM USA
            """
        ),
        (
            .asia,
            """
            KAZ KGZ TJK TKM UZB CHN HKG MAC PRK JPN MNG KOR TWN BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM AFG BGD BTN \
            IND IRN MDV NPL PAK LKA ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU PSE SYR TUR ARE YEM
            """
        ),
        (
            .europe,
            """
            BLR BGR CZE HUN POL MDA ROU RUS SVK UKR ALA DNK EST FRO FIN GGY ISL IRL IMN JEY LVA LTU NOR SJM SWE GBR ALB \
            AND BIH HRV GIB GRC VAT ITA MLT MNE MKD PRT SMR SRB SVN ESP AUT BEL FRA DEU LIE LUX MCO NLD CHE
            """
        ),
        (
            .oceania,
            """
            AUS NZL NFK HMD CCK CXR UMI FJI NCL PNG SLB VUT GUM KIR MHL FSM NRU MNP PLW ASM COK PYF NIU PCN WSM TKL TON \
            TUV WLF
            """
        ),
    ]
}
