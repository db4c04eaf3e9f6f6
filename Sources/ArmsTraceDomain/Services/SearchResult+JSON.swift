/// The answer to a search as the API's JSON, written by hand over bytes.
///
/// Searches are the API's busiest call, and `JSONEncoder` took a fifth of a loaded server's CPU writing their answers
/// (twenty candidates, each with its record's summary, identification and marking check). The output is what
/// `JSONEncoder` writes with the API's settings (snake_case keys, sorted; `nil` fields left out), a test holds the two
/// to the same JSON, and the `Encodable` conformances stay the document's reference.
extension SearchResult {
    /// The answer as UTF-8 JSON.
    public func jsonBytes() -> [UInt8] {
        var out = JSONWriter(capacity: 512 + 1024 * candidates.count)
        out.open()
        out.key("candidates")
        out.array(candidates) { $0.candidate($1) }
        out.field("hit", hit)
        out.field("notices_sent", noticesSent)
        out.key("restricted")
        out.array(restricted) { out, hit in
            out.open()
            out.field("owner", hit.owner.rawValue)
            out.field("reference", hit.reference.description)
            out.close()
        }
        out.field("search_id", searchID.description)
        out.field("total", total)
        out.close()
        return out.bytes
    }
}

extension JSONWriter {
    fileprivate mutating func candidate(_ candidate: SearchCandidate) {
        open()
        field("agreements", candidate.agreements)
        key("differences")
        array(candidate.differences) { out, difference in
            out.open()
            out.field("kind", difference.kind.rawValue)
            out.field("position", difference.position)
            out.field("searched", difference.searched)
            out.field("stored", difference.stored)
            out.close()
        }
        field("disagreements", candidate.disagreements)
        field("distance", candidate.distance)
        if let marking = candidate.marking {
            key("marking")
            open()
            field("kind", marking.kind.rawValue)
            field("location", marking.location)
            field("text", marking.text)
            close()
        }
        key("record")
        summary(RecordSummary(candidate.record))
        field("source", candidate.source.rawValue)
        close()
    }

    private mutating func summary(_ summary: RecordSummary) {
        open()
        field("calibre", summary.calibre)
        field("category", summary.category.rawValue)
        field("country_of_manufacture", summary.countryOfManufacture)
        field("event_country", summary.eventCountry)
        field("event_date", summary.eventDate?.description)
        field("external_ref", summary.externalRef)
        field("id", summary.id.description)
        key("identification")
        identification(summary.identification)
        field("make", summary.make)
        key("marking_check")
        open()
        field("complete", summary.markingCheck.complete)
        field("flags", summary.markingCheck.flags)
        field("missing", summary.markingCheck.missing)
        field("readings", summary.markingCheck.readings)
        close()
        field("model", summary.model)
        field("owner", summary.owner.rawValue)
        field("serial_number", summary.serialNumber)
        field("serial_obliterated", summary.serialObliterated.rawValue)
        field("status", summary.status.rawValue)
        close()
    }

    private mutating func identification(_ identification: Identification) {
        func name(_ label: StaticString, _ name: Identification.Name?) {
            guard let name else { return }
            key(label)
            open()
            field("canonical", name.canonical)
            field("typed", name.typed)
            close()
        }
        open()
        name("calibre", identification.calibre)
        field("category", identification.category?.rawValue)
        name("make", identification.make)
        field("maker_country", identification.makerCountry)
        name("model", identification.model)
        field("unknown", identification.unknown)
        close()
    }
}
