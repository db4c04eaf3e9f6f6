import Foundation

extension WeaponReference {
    /// The reference with members' entries applied in order: an entry replaces the one of the same key
    /// (``ReferenceEntry/key``) or joins the list. A model whose maker is not in the result is left out.
    public func applying(_ entries: [ReferenceEntry]) -> WeaponReference {
        guard !entries.isEmpty else { return self }
        var makers = self.makers
        var models = self.models
        var calibres = self.calibres
        func put<T>(_ value: T, into list: inout [T], sameAs matches: (T) -> Bool) {
            if let index = list.firstIndex(where: matches) { list[index] = value } else { list.append(value) }
        }
        for entry in entries {
            switch entry.item {
            case .maker(let maker): put(maker, into: &makers) { Self.key($0.name) == Self.key(maker.name) }
            case .model(let model):
                put(model, into: &models) { Self.key($0.maker) == Self.key(model.maker) && Self.key($0.name) == Self.key(model.name) }
            case .calibre(let calibre): put(calibre, into: &calibres) { Self.calibreKey($0.name) == Self.calibreKey(calibre.name) }
            }
        }
        let makerNames = Set(makers.map(\.name))
        return WeaponReference(makers: makers, models: models.filter { makerNames.contains($0.maker) }, calibres: calibres)
    }

    /// Checks an entry a member wrote against this reference, and returns it tidied: names trimmed and without
    /// repeats, a model's maker and calibres under their canonical names, a country code in upper case.
    /// - Throws: `DomainError.invalid` naming each field at fault: a name already naming another entry, a model's
    ///   unknown maker or calibre, a country that is not an ISO 3166-1 alpha-3 code.
    public func checked(_ item: ReferenceEntry.Item) throws -> ReferenceEntry.Item {
        var problems: [FieldError] = []
        func name(_ text: String, field: String, key: (String) -> String? = Self.key) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if key(trimmed) == nil {
                problems.append(FieldError(field: field, message: "must hold letters or digits"))
            } else if trimmed.count > 100 {
                problems.append(FieldError(field: field, message: "must be at most 100 characters"))
            }
            return trimmed
        }
        func names(_ list: [String], field: String, key: (String) -> String? = Self.key) -> [String] {
            if list.count > 50 { problems.append(FieldError(field: field, message: "at most 50 names")) }
            var seen = Set<String>()
            return list.enumerated().compactMap { index, text in
                let trimmed = name(text, field: "\(field)[\(index)]", key: key)
                return key(trimmed).map { seen.insert($0).inserted } == true ? trimmed : nil
            }
        }
        switch item {
        case .maker(var maker):
            maker.name = name(maker.name, field: "name")
            maker.aliases = names(maker.aliases, field: "aliases")
            maker.formerNames = names(maker.formerNames, field: "former_names")
            maker.trademarks = names(maker.trademarks, field: "trademarks")
            maker.codes = names(maker.codes, field: "codes")
            maker.country = maker.country.trimmingCharacters(in: .whitespaces).uppercased()
            if !maker.country.isEmpty && !Countries.contains(maker.country) {
                problems.append(FieldError(field: "country", message: "'\(maker.country)' is not an ISO 3166-1 alpha-3 code"))
            }
            let own = Self.key(maker.name)
            for (field, list) in [
                ("name", [maker.name]), ("aliases", maker.aliases), ("former_names", maker.formerNames),
                ("trademarks", maker.trademarks), ("codes", maker.codes),
            ] {
                for text in list {
                    if let other = self.maker(text), Self.key(other.name) != own {
                        problems.append(FieldError(field: field, message: "'\(text)' already names the maker \(other.name)"))
                    }
                }
            }
            if problems.isEmpty { return .maker(maker) }
        case .model(var model):
            model.name = name(model.name, field: "name")
            model.aliases = names(model.aliases, field: "aliases")
            if let maker = self.maker(model.maker) {
                model.maker = maker.name
            } else {
                problems.append(FieldError(field: "maker", message: "'\(model.maker)' is not a maker of the reference; add the maker first"))
            }
            model.calibres = model.calibres.enumerated().compactMap { index, text in
                guard let calibre = self.calibre(text) else {
                    problems.append(FieldError(field: "calibres[\(index)]", message: "'\(text)' is not a calibre of the reference; add it first"))
                    return nil
                }
                return calibre.name
            }
            model.serialFormats = names(model.serialFormats, field: "serial_formats") { $0.isEmpty ? nil : $0 }
            if problems.isEmpty { return .model(model) }
        case .calibre(var calibre):
            calibre.name = name(calibre.name, field: "name", key: Self.calibreKey)
            calibre.aliases = names(calibre.aliases, field: "aliases", key: Self.calibreKey)
            let own = Self.calibreKey(calibre.name)
            for (field, text) in [("name", calibre.name)] + calibre.aliases.map({ ("aliases", $0) }) {
                if let other = self.calibre(text), Self.calibreKey(other.name) != own {
                    problems.append(FieldError(field: field, message: "'\(text)' already names the calibre \(other.name)"))
                }
            }
            if problems.isEmpty { return .calibre(calibre) }
        }
        throw DomainError.invalid(problems)
    }
}
