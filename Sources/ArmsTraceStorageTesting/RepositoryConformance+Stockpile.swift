import ArmsTraceDomain
import Foundation
import Testing

extension RepositoryConformance {
    /// Kenya's depot and unit armoury, created.
    func stockSites(_ repositories: Repositories, by actor: Actor, at now: Date) async throws -> (depot: StockSite, armoury: StockSite) {
        let depot = StockSite(
            id: .generate(at: now),
            owner: Self.ken,
            name: "Central depot",
            kind: .depot,
            custodian: "Maj. Otieno",
            securityLevel: .high,
            createdAt: now
        )
        let armoury = StockSite(
            id: .generate(at: now),
            owner: Self.ken,
            name: "Unit 7 armoury",
            kind: .unitArmoury,
            custodian: "Sgt. Wanjiru",
            securityLevel: .medium,
            createdAt: now
        )
        try await repositories.stockpile.createSite(depot, by: actor)
        try await repositories.stockpile.createSite(armoury, by: actor)
        return (depot, armoury)
    }

    /// A weapon is in one place at a time: received at a site, issued and returned, dispatched and received at
    /// another; no receipt without a dispatch; another member's stock is not found; every step is in its history.
    func stockMovesFollowTheRules() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let (depot, armoury) = try await stockSites(repositories, by: actor, at: now)
        await expectError(.conflict) {
            try await repositories.stockpile.createSite(
                StockSite(id: .generate(), owner: Self.ken, name: "Central depot", kind: .depot, custodian: "x", securityLevel: .low, createdAt: now),
                by: actor
            )
        }
        #expect(try await repositories.stockpile.sites(owner: Self.ken).map(\.name) == ["Central depot", "Unit 7 armoury"])
        #expect(try await repositories.stockpile.sites(owner: Self.uga).isEmpty)

        let weapons = (1...3).map { index in
            StockWeapon(
                id: .generate(at: now),
                owner: Self.ken,
                serialNumber: "KE-10\(index)",
                category: .assaultRifle,
                make: "Norinco",
                model: "Type 56",
                calibre: "7.62x39mm",
                markings: [Marking(kind: .state, text: "GK KPS 0010\(index)")],
                status: .inStore,
                site: depot.id,
                createdAt: now,
                updatedAt: now
            )
        }
        try await repositories.stockpile.receive(weapons, by: actor)
        var again = weapons[0]
        again.id = .generate()
        await expectError(.conflict) { try await repositories.stockpile.receive([again], by: actor) }
        var foreign = weapons[0]
        foreign.id = .generate()
        foreign.serialNumber = "OTHER-1"
        foreign.site = StockSite.ID.generate()
        await expectError(.notFound) { try await repositories.stockpile.receive([foreign], by: actor) }
        #expect(try await repositories.stockpile.weapons(owner: Self.ken, site: depot.id, status: nil, limit: 10, cursor: nil).items.count == 3)

        let id = weapons[0].id
        await expectError(.conflict) {
            _ = try await repositories.stockpile.apply(.receive(document: "RV-1"), to: id, lossCountry: "KEN", by: actor, at: now)
        }
        let issued = try await repositories.stockpile.apply(
            .issue(holder: "Cpl. Kamau", document: "IV-1"),
            to: id,
            lossCountry: "KEN",
            by: actor,
            at: now
        )
        #expect(issued.status == .issued && issued.holder == "Cpl. Kamau" && issued.site == depot.id && issued.version == 2)
        await expectError(.conflict) {
            _ = try await repositories.stockpile.apply(.dispatch(to: armoury.id, document: "TN-1"), to: id, lossCountry: "KEN", by: actor, at: now)
        }
        _ = try await repositories.stockpile.apply(.return(document: "RV-2"), to: id, lossCountry: "KEN", by: actor, at: now)
        await expectError(.notFound) {
            _ = try await repositories.stockpile.apply(.dispatch(to: .generate(), document: "TN-0"), to: id, lossCountry: "KEN", by: actor, at: now)
        }
        let moving = try await repositories.stockpile.apply(
            .dispatch(to: armoury.id, document: "TN-1"),
            to: id,
            lossCountry: "KEN",
            by: actor,
            at: now
        )
        #expect(moving.status == .inTransit && moving.site == nil && moving.transit?.to == armoury.id)
        await expectError(.conflict) {
            _ = try await repositories.stockpile.apply(.issue(holder: "x", document: "IV-2"), to: id, lossCountry: "KEN", by: actor, at: now)
        }
        let arrived = try await repositories.stockpile.apply(.receive(document: "RV-3"), to: id, lossCountry: "KEN", by: actor, at: now)
        #expect(arrived.status == .inStore && arrived.site == armoury.id && arrived.transit == nil)
        #expect(try await repositories.stockpile.weapon(id, owner: Self.ken) == arrived)
        await expectError(.notFound) { _ = try await repositories.stockpile.weapon(id, owner: Self.uga) }
        await expectError(.notFound) {
            _ = try await repositories.stockpile.apply(.issue(holder: "x", document: "y"), to: id, lossCountry: "UGA", by: officer(Self.uga), at: now)
        }
        let history = try await repositories.stockpile.movements(of: id, owner: Self.ken)
        #expect(history.map(\.kind) == [.receipt, .issue, .return, .dispatch, .receive])
        #expect(history[3].fromSite == depot.id && history[3].toSite == armoury.id && history[4].document == "RV-3")
    }

    /// A check expects what is at the site when it begins, and names what is missing, unexpected and elsewhere; a
    /// loss creates the shared record in the same transaction, so the weapon is searchable at once.
    func stockChecksReconcileAndLossesAreShared() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let (site, other) = try await stockSites(repositories, by: actor, at: now)
        let weapons = (1...5).map { index in
            StockWeapon(
                id: .generate(at: now),
                owner: Self.ken,
                serialNumber: "56-\(1000 + index)",
                category: .assaultRifle,
                make: "Norinco",
                status: .inStore,
                site: index == 5 ? other.id : site.id,
                createdAt: now,
                updatedAt: now
            )
        }
        try await repositories.stockpile.receive(weapons, by: actor)
        let check = try await repositories.stockpile.startCheck(site: site.id, by: actor, at: now)
        #expect(Set(check.expected) == Set(weapons.prefix(4).map(\.id)))
        _ = try await repositories.stockpile.recordCount(["561001", "56 1002"], containers: [], in: check.id, by: actor, at: now)
        let counted = try await repositories.stockpile.recordCount(["56-1005", "XX-9", "56-1001"], containers: [], in: check.id, by: actor, at: now)
        #expect(counted.counted == ["561001", "56 1002", "56-1005", "XX-9", "56-1001"])
        let closed = try await repositories.stockpile.closeCheck(check.id, by: actor, at: now.addingTimeInterval(60))
        let result = try #require(closed.result)
        #expect(Set(result.missing.map(\.serialNumber)) == ["56-1003", "56-1004"])
        #expect(result.unexpected == ["XX-9"] && result.wrongPlace.map(\.serialNumber) == ["56-1005"] && result.foundCount == 2)
        #expect(try await repositories.stockpile.check(check.id, owner: Self.ken) == closed)
        await expectError(.conflict) { _ = try await repositories.stockpile.recordCount(["1"], containers: [], in: check.id, by: actor, at: now) }
        #expect(try await repositories.stockpile.sites(owner: Self.ken).first { $0.id == site.id }?.lastCheckedAt == now.addingTimeInterval(60))

        let loss = StockLoss(
            stolen: true,
            date: CalendarDate("2026-11-20")!,
            place: "Depot, Nairobi",
            circumstances: "Found missing at the check",
            sharing: .all
        )
        let stolen = try await repositories.stockpile.apply(.reportLoss(loss), to: weapons[2].id, lossCountry: "KEN", by: actor, at: now)
        #expect(stolen.status == .stolen && stolen.site == nil)
        let recordID = try #require(stolen.lossRecord)
        let record = try await repositories.records.get(recordID, viewer: Self.uga)
        #expect(record.details.status == .stolen && record.details.serialNumber == "56-1003" && record.owner == Self.ken)
        #expect(record.details.externalRef == "stock:\(weapons[2].id)" && record.details.event.country == "KEN")
        await expectError(.conflict) {
            _ = try await repositories.stockpile.apply(.reportLoss(loss), to: weapons[2].id, lossCountry: "KEN", by: actor, at: now)
        }
        let report = try await repositories.stockpile.report(owner: Self.ken, from: CalendarDate(now), to: CalendarDate(now))
        #expect(report.losses.map(\.serialNumber) == ["56-1003"] && report.losses.first?.record == recordID && report.losses.first?.kind == .stolen)
        #expect(report.checks.map(\.missing) == [2] && report.checks.map(\.found) == [2] && report.checks.first?.site == site.id)
    }
}

extension RepositoryConformance {
    /// Only surplus weapons are planned for destruction; recording needs two witnesses; the verifier must be another
    /// user; only verification makes the weapons destroyed, and they stay on record.
    func destructionNeedsWitnessesAndAnIndependentVerifier() async throws {
        let repositories = try await seeded()
        let recorder = officer(Self.ken)
        let verifier = officer(Self.ken)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let (depot, _) = try await stockSites(repositories, by: recorder, at: now)
        let weapons = (1...3).map { index in
            StockWeapon(
                id: .generate(at: now),
                owner: Self.ken,
                serialNumber: "D-\(index)",
                category: .rifleCarbine,
                make: "Lee-Enfield",
                status: .inStore,
                site: depot.id,
                createdAt: now,
                updatedAt: now
            )
        }
        try await repositories.stockpile.receive(weapons, by: recorder)
        for weapon in weapons.prefix(2) {
            _ = try await repositories.stockpile.apply(.designateSurplus(reason: "obsolete"), to: weapon.id, lossCountry: nil, by: recorder, at: now)
        }
        func plan(_ ids: [StockWeapon.ID]) -> DestructionEvent {
            DestructionEvent(
                id: .generate(at: now),
                owner: Self.ken,
                method: .cutting,
                place: "Kahawa",
                plannedFor: CalendarDate("2026-12-01")!,
                weapons: ids,
                plannedAt: now,
                plannedBy: recorder.userID
            )
        }
        await expectError(.conflict) { try await repositories.stockpile.planDestruction(plan(weapons.map(\.id)), by: recorder) }
        #expect(try await repositories.stockpile.weapon(weapons[0].id, owner: Self.ken).status == .surplus, "nothing of a refused plan stays")
        #expect(try await repositories.stockpile.destructions(owner: Self.ken).isEmpty)
        let event = plan(weapons.prefix(2).map(\.id))
        try await repositories.stockpile.planDestruction(event, by: recorder)
        #expect(try await repositories.stockpile.weapon(weapons[0].id, owner: Self.ken).status == .awaitingDestruction)

        let day = CalendarDate("2026-12-01")!
        await expectError(.invalid) {
            _ = try await repositories.stockpile.recordDestruction(
                event.id,
                on: day,
                witnesses: ["Insp. Mwangi", " insp. mwangi "],
                by: recorder,
                at: now
            )
        }
        await expectError(.conflict) { _ = try await repositories.stockpile.verifyDestruction(event.id, note: "seen", by: verifier, at: now) }
        let recorded = try await repositories.stockpile.recordDestruction(
            event.id,
            on: day,
            witnesses: ["Insp. Mwangi", "Ms. Achieng (UNDP)"],
            by: recorder,
            at: now
        )
        #expect(recorded.status == .recorded && recorded.recordedBy == recorder.userID)
        #expect(try await repositories.stockpile.weapon(weapons[0].id, owner: Self.ken).status == .awaitingDestruction, "not until verified")
        await expectError(.forbidden) { _ = try await repositories.stockpile.verifyDestruction(event.id, note: "all cut", by: recorder, at: now) }
        await expectError(.notFound) { _ = try await repositories.stockpile.verifyDestruction(event.id, note: "x", by: officer(Self.uga), at: now) }
        let verified = try await repositories.stockpile.verifyDestruction(event.id, note: "Counted 2 receivers cut in three", by: verifier, at: now)
        #expect(verified.status == .verified && verified.verifiedBy == verifier.userID)
        #expect(try await repositories.stockpile.destruction(event.id, owner: Self.ken) == verified)
        for weapon in weapons.prefix(2) {
            let destroyed = try await repositories.stockpile.weapon(weapon.id, owner: Self.ken)
            #expect(destroyed.status == .destroyed && destroyed.site == nil)
            #expect(
                try await repositories.stockpile.movements(of: weapon.id, owner: Self.ken).map(\.kind).suffix(2) == [.destructionPlanned, .destroyed]
            )
        }
        #expect(try await repositories.stockpile.weapon(weapons[2].id, owner: Self.ken).status == .inStore)

        let day0 = CalendarDate(now)
        let report = try await repositories.stockpile.report(owner: Self.ken, from: day0, to: day0)
        #expect(
            report.stock == [
                StockReport.StockRow(site: nil, category: .rifleCarbine, status: .destroyed, count: 2),
                StockReport.StockRow(site: depot.id, category: .rifleCarbine, status: .inStore, count: 1),
            ]
        )
        #expect(report.movements.map { "\($0.kind.rawValue) \($0.count)" } == ["destroyed 2", "destruction_planned 2", "receipt 3", "surplus 2"])
        #expect(report.destructions == [StockReport.DestructionRow(method: .cutting, year: 2026, events: 1, weapons: 2)])
        let before = try await repositories.stockpile.report(owner: Self.ken, from: CalendarDate("2025-01-01")!, to: CalendarDate("2025-12-31")!)
        #expect(before.movements.isEmpty && before.checks.isEmpty && before.losses.isEmpty, "the period bounds what happened")
        #expect(try await repositories.stockpile.report(owner: Self.uga, from: day0, to: day0).stock.isEmpty)
    }
}

extension RepositoryConformance {
    /// Ammunition is held by lot and site; no more leaves a lot than it holds; one site holds a lot number once.
    func ammunitionLotsNeverGoBelowZero() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let (depot, armoury) = try await stockSites(repositories, by: actor, at: now)
        let lot = AmmunitionLot(
            id: .generate(at: now),
            owner: Self.ken,
            lotNumber: "LOT-7.62-2019-04",
            type: "7.62x39mm ball",
            quantity: 12_000,
            site: depot.id,
            expiry: CalendarDate("2031-04-30"),
            createdAt: now,
            updatedAt: now
        )
        try await repositories.stockpile.receive(lot, by: actor)
        var again = lot
        again.id = .generate()
        await expectError(.conflict) { try await repositories.stockpile.receive(again, by: actor) }
        again.site = armoury.id
        try await repositories.stockpile.receive(again, by: actor)
        var foreign = lot
        foreign.id = .generate()
        foreign.site = .generate()
        await expectError(.notFound) { try await repositories.stockpile.receive(foreign, by: actor) }

        let issued = try await repositories.stockpile.change(lot.id, by: -2_000, reason: "IV-88 to 7th battalion", actor: actor, at: now)
        #expect(issued.quantity == 10_000)
        await expectError(.conflict) { _ = try await repositories.stockpile.change(lot.id, by: -10_001, reason: "too many", actor: actor, at: now) }
        await expectError(.notFound) { _ = try await repositories.stockpile.change(lot.id, by: -1, reason: "x", actor: officer(Self.uga), at: now) }
        let lots = try await repositories.stockpile.ammunition(owner: Self.ken)
        #expect(lots.count == 2 && lots.first { $0.id == lot.id } == issued && issued.expiry == CalendarDate("2031-04-30"))
        #expect(try await repositories.stockpile.ammunition(owner: Self.uga).isEmpty)
    }
}

extension RepositoryConformance {
    /// A bulk store counted by sealed container: a container found intact counts every weapon packed in it.
    func sealedContainersCountTheirWeapons() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let (depot, _) = try await stockSites(repositories, by: actor, at: now)
        let weapons = (1...6).map { index in
            StockWeapon(
                id: .generate(at: now),
                owner: Self.ken,
                serialNumber: "B-\(index)",
                category: .assaultRifle,
                make: "Norinco",
                status: .inStore,
                site: depot.id,
                container: index <= 3 ? "SEAL-001" : "SEAL-002",
                createdAt: now,
                updatedAt: now
            )
        }
        try await repositories.stockpile.receive(weapons, by: actor)
        #expect(try await repositories.stockpile.weapon(weapons[0].id, owner: Self.ken).container == "SEAL-001")
        let check = try await repositories.stockpile.startCheck(site: depot.id, by: actor, at: now)
        let counted = try await repositories.stockpile.recordCount(["B-4"], containers: ["seal 001", "SEAL-001"], in: check.id, by: actor, at: now)
        #expect(counted.containers.count == 2 && counted.counted == ["B-4"])
        let result = try #require(try await repositories.stockpile.closeCheck(check.id, by: actor, at: now).result)
        #expect(result.foundCount == 4 && Set(result.missing.map(\.serialNumber)) == ["B-5", "B-6"])
    }
}
