import ArmsTraceDomain
import Foundation

/// What both engines share about cooperation documents: the body as JSON, and the document read back with the
/// version its row holds.
enum CooperationRows {
    static func body<Document: CooperationDocument>(_ document: Document) throws -> String {
        try StockRows.json(document)
    }

    static func document<Document: CooperationDocument>(_ type: Document.Type, body: String, version: Int) throws -> Document {
        var document = try StockRows.value(Document.self, body)
        document.version = version
        return document
    }

    static func changedMeanwhile(_ kind: String, _ id: String) -> DomainError {
        .conflict("\(kind.replacingOccurrences(of: "_", with: " ")) \(id) was changed meanwhile: reload it and try again")
    }
}
