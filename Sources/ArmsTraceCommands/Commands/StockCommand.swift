import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace stock …`: a member's stockpile from the server's command line, as its operator: sites, the import of
    /// an existing inventory, physical checks, losses, and the list of weapons.
    struct StockCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stock",
            abstract: "Stockpile sites, inventory import, physical checks, losses and lists.",
            subcommands: [
                AddSite.self, Sites.self, Import.self, Check.self, Move.self, Loss.self, List.self, Ammunition.self, Destruction.self,
                Report.self,
            ]
        )

        /// The database and the member whose stockpile it is.
        struct MemberOptions: ParsableArguments {
            @OptionGroup var databaseOptions: DatabaseOptions

            @Option(help: "The member whose stockpile it is.")
            var member: String

            func validate() throws { _ = try parseMemberCode(member) }

            /// The service and the member's operator, once the member is known to exist.
            func open() async throws -> (StockpileService, Actor) {
                let repositories = try await databaseOptions.open().repositories
                let code = try parseMemberCode(member)
                guard try await !repositories.members.existing([code]).isEmpty else { throw ValidationError("member \(code) does not exist") }
                return (StockpileService(repositories: repositories), .commandLine(for: code))
            }

            /// The member's site of this name.
            func site(named name: String, in service: StockpileService, by actor: Actor) async throws -> StockSite {
                let sites = try await service.sites(by: actor)
                guard let site = sites.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw ValidationError("no site of \(actor.member) is named '\(name)'; its sites: " + sites.map(\.name).joined(separator: ", "))
                }
                return site
            }
        }

        /// `armstrace stock add-site --member KEN --name "Kahawa depot" --kind depot --custodian "Maj. Otieno" --security high`.
        struct AddSite: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-site", abstract: "Add a depot or unit armoury.")

            @OptionGroup var options: MemberOptions
            @Option(help: "The site's name.") var name: String
            @Option(help: "depot or unit_armoury.") var kind: String
            @Option(help: "The person or post that holds the keys.") var custodian: String
            @Option(help: "low, medium or high.") var security: String
            @Option(help: "Days between physical checks (default 91 for unit armouries, 365 for depots).") var checkEvery: Int?

            func run() async throws {
                let (service, actor) = try await options.open()
                let site = try await service.createSite(
                    StockSiteInput(name: name, kind: kind, custodian: custodian, securityLevel: security, checkIntervalDays: checkEvery),
                    by: actor
                )
                print("Added \(site.kind.rawValue) \(site.name) (\(site.id)); checks every \(site.checkIntervalDays) days.")
            }
        }

        /// `armstrace stock sites --member KEN`.
        struct Sites: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the member's sites and when each is next to be checked.")

            @OptionGroup var options: MemberOptions

            func run() async throws {
                let (service, actor) = try await options.open()
                let now = Date()
                for site in try await service.sites(by: actor) {
                    let due =
                        site.checkOverdue(at: now) ? "check OVERDUE since \(site.checkDue.minuteText)" : "next check by \(site.checkDue.minuteText)"
                    print("\(site.name)\t\(site.kind.rawValue)\t\(site.custodian)\t\(due)")
                }
            }
        }

        /// `armstrace stock import --member KEN inventory.csv [--dry-run]`.
        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import an existing inventory from CSV, all or nothing.",
                discussion: """
                    Columns: serial_number, category, make, site (a site's name) required; model, calibre, condition, \\
                    status (in_store or in_service), state_mark, other_marks (separated by ;) optional. Every problem \\
                    is named by line and column, and nothing is stored unless the whole file is good.
                    """
            )

            @OptionGroup var options: MemberOptions
            @Flag(help: "Check the file without storing anything.") var dryRun = false
            @Argument(help: "The CSV file.") var file: String

            func run() async throws {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                let (service, actor) = try await options.open()
                let start = ContinuousClock.now
                do {
                    let count = try await service.importInventory(csv: [UInt8](data), dryRun: dryRun, by: actor)
                    let seconds = String(format: "%.2f", (ContinuousClock.now - start).seconds)
                    print(
                        "\(dryRun ? "Checked (dry run, nothing stored)" : "Received") \(count) weapons from \(file) into \(actor.member)'s stock in \(seconds) s."
                    )
                } catch let list as RecordCSV.ProblemList {
                    for problem in list.problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
                    FileHandle.standardError.write(Data("Nothing was imported: \(list.problems.count) problem(s) in \(file).\n".utf8))
                    throw ExitCode(1)
                }
            }
        }

        /// `armstrace stock check --member KEN --site "Kahawa depot" counted.txt`: one serial a line.
        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run a physical check at a site from a file of the serials counted (one a line), and print the discrepancies."
            )

            @OptionGroup var options: MemberOptions
            @Option(help: "The site's name.") var site: String
            @Argument(help: "The file of serials counted, one a line.") var file: String
            @Option(help: "A file of the seals of sealed containers found intact, one a line.") var containers: String?
            @Flag(help: "Print the closed check as JSON.") var json = false

            func run() async throws {
                func lines(_ path: String) throws -> [String] {
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
                    return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                }
                let serials = try lines(file)
                let seals = try containers.map(lines) ?? []
                let (service, actor) = try await options.open()
                let place = try await options.site(named: site, in: service, by: actor)
                let check = try await service.startCheck(site: place.id, by: actor)
                if !seals.isEmpty { _ = try await service.recordCount([], containers: seals, in: check.id, by: actor) }
                var start = 0
                while start < serials.count {
                    let end = min(start + 5_000, serials.count)
                    _ = try await service.recordCount(Array(serials[start..<end]), in: check.id, by: actor)
                    start = end
                }
                let closed = try await service.closeCheck(check.id, by: actor)
                if json { return try printJSON(closed) }
                guard let result = closed.result else { return }
                print("Check \(closed.id) at \(place.name): \(result.foundCount) of \(result.expectedCount) expected found.")
                for missing in result.missing { print("missing\t\(missing.serialNumber)\t\(missing.make)\t\(missing.weapon)") }
                for serial in result.unexpected { print("unexpected\t\(serial)\tnot in the stock") }
                for other in result.wrongPlace { print("elsewhere\t\(other.serialNumber)\trecorded \(other.status.rawValue)\t\(other.weapon)") }
            }
        }

        /// `armstrace stock loss --member KEN --serial KDF-00030 --stolen --date 2026-11-28 --place … --circumstances …`.
        struct Loss: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Report a state-held weapon lost or stolen; its lost or stolen record is created in the shared database at once."
            )

            @OptionGroup var options: MemberOptions
            @Option(help: "The weapon's serial.") var serial: String
            @Option(help: "Its make, when the serial alone is not enough.") var make: String?
            @Flag(help: "Stolen rather than lost.") var stolen = false
            @Option(help: "When it was lost or found missing (YYYY-MM-DD).") var date: String
            @Option(help: "Where.") var place: String
            @Option(help: "What is known.") var circumstances: String
            @Option(help: "all (the default), owner, or member codes separated by commas.") var sharing = "all"

            func run() async throws {
                guard let day = CalendarDate(date) else { throw ValidationError("--date must be YYYY-MM-DD") }
                let share: Sharing =
                    switch sharing.lowercased() {
                    case "all": .all
                    case "owner": .owner
                    default: .members(try sharing.split(separator: ",").map { try parseMemberCode(String($0)) })
                    }
                let (service, actor) = try await options.open()
                let weapon = try await service.weapon(serial: serial, make: make, by: actor)
                let loss = StockLoss(stolen: stolen, date: day, place: place, circumstances: circumstances, sharing: share)
                let reported = try await service.apply(.reportLoss(loss), to: weapon.id, by: actor)
                print(
                    "\(reported.make) \(reported.serialNumber) reported \(reported.status.rawValue); shared record \(reported.lossRecord?.description ?? "?")."
                )
            }
        }

        /// `armstrace stock list --member KEN [--status stolen] [--json]`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the member's weapons, newest first.")

            @OptionGroup var options: MemberOptions
            @Option(help: "Only weapons of this status.") var status: String?
            @Option(help: "How many (1 to 500).") var limit = 100
            @Flag(help: "Print the weapons as JSON.") var json = false

            func run() async throws {
                let wanted = try status.map { text in
                    guard let status = StockWeapon.Status(rawValue: text) else {
                        throw ValidationError("--status must be one of: " + StockWeapon.Status.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return status
                }
                let (service, actor) = try await options.open()
                let page = try await service.weapons(site: nil, status: wanted, limit: limit, cursor: nil, by: actor)
                if json { return try printJSON(page.items) }
                for weapon in page.items {
                    print("\(weapon.serialNumber)\t\(weapon.make)\t\(weapon.model ?? "")\t\(weapon.status.rawValue)\t\(weapon.id)")
                }
            }
        }

        /// `armstrace stock move --member KEN --serial S --step issue --holder "7th battalion" --document IV-1`.
        struct Move: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Move a weapon: issue, return, dispatch (--to SITE), receive, or declare it surplus (--reason)."
            )

            @OptionGroup var options: MemberOptions
            @Option(help: "The weapon's serial.") var serial: String
            @Option(help: "Its make, when the serial alone is not enough.") var make: String?
            @Option(help: "issue, return, dispatch, receive or surplus.") var step: String
            @Option(help: "For issue: the unit or person.") var holder: String?
            @Option(help: "For dispatch: the receiving site's name.") var to: String?
            @Option(help: "The voucher, transfer note or receipt.") var document: String?
            @Option(help: "For surplus: why.") var reason: String?

            func run() async throws {
                let (service, actor) = try await options.open()
                let weapon = try await service.weapon(serial: serial, make: make, by: actor)
                let move: StockStep
                switch step {
                case "issue": move = .issue(holder: holder ?? "", document: document ?? "")
                case "return": move = .return(document: document ?? "")
                case "dispatch":
                    guard let to else { throw ValidationError("--to names the receiving site") }
                    move = .dispatch(to: try await options.site(named: to, in: service, by: actor).id, document: document ?? "")
                case "receive": move = .receive(document: document ?? "")
                case "surplus": move = .designateSurplus(reason: reason ?? "")
                default: throw ValidationError("--step must be one of: issue, return, dispatch, receive, surplus")
                }
                let moved = try await service.apply(move, to: weapon.id, by: actor)
                print("\(moved.make) \(moved.serialNumber) is now \(moved.status.rawValue).")
            }
        }

        /// `armstrace stock ammunition add|change|list`.
        struct Ammunition: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Ammunition lots: receive one, issue from or add to one, list them.",
                subcommands: [Add.self, Change.self, Lots.self]
            )

            struct Add: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "Receive a lot at a site.")
                @OptionGroup var options: MemberOptions
                @Option(help: "The lot number.") var lot: String
                @Option(help: "The designation, e.g. \"7.62x39mm ball\".") var type: String
                @Option(help: "How many rounds or items.") var quantity: Int
                @Option(help: "The site's name.") var site: String
                @Option(help: "Expiry (YYYY-MM-DD).") var expiry: String?

                func run() async throws {
                    let (service, actor) = try await options.open()
                    let place = try await options.site(named: site, in: service, by: actor)
                    let received = try await service.receive(
                        AmmunitionLotInput(lotNumber: lot, type: type, quantity: quantity, site: place.id.description, expiry: expiry),
                        by: actor
                    )
                    print("Received lot \(received.lotNumber) (\(received.id)): \(received.quantity) at \(place.name).")
                }
            }

            struct Change: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "Issue from a lot (a negative quantity) or add to it, with the reason.")
                @OptionGroup var options: MemberOptions
                @Option(help: "The lot's ID.") var lot: String
                @Option(help: "The change: -2000 issues 2,000.") var quantity: Int
                @Option(help: "Why: the voucher, the count.") var reason: String

                func run() async throws {
                    guard let id = AmmunitionLot.ID(lot) else { throw ValidationError("--lot must be a lot's ID") }
                    let (service, actor) = try await options.open()
                    let changed = try await service.change(id, by: quantity, reason: reason, by: actor)
                    print("Lot \(changed.lotNumber) now holds \(changed.quantity).")
                }
            }

            struct Lots: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "list", abstract: "List the member's lots.")
                @OptionGroup var options: MemberOptions

                func run() async throws {
                    let (service, actor) = try await options.open()
                    for lot in try await service.ammunition(by: actor) {
                        let expiry = lot.expiry.map { lot.expired(on: .today) ? "EXPIRED \($0)" : "expires \($0)" } ?? ""
                        print("\(lot.lotNumber)\t\(lot.type)\t\(lot.quantity)\t\(expiry)\t\(lot.id)")
                    }
                }
            }
        }

        /// `armstrace stock destruction plan|record|show`.
        struct Destruction: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Plan and record destructions of surplus weapons.",
                discussion: """
                    Verification is not done here: a named user other than the one who recorded the destruction signs it \
                    off, through the API or the destruction's page.
                    """,
                subcommands: [Plan.self, Record.self, Show.self]
            )

            struct Plan: AsyncParsableCommand {
                static let configuration = CommandConfiguration(
                    abstract: "Plan the destruction of surplus weapons listed by serial in a file, one a line."
                )
                @OptionGroup var options: MemberOptions
                @Option(help: "cutting, crushing, smelting, burning or other.") var method: String
                @Option(help: "Where.") var place: String
                @Option(help: "When (YYYY-MM-DD).") var date: String
                @Argument(help: "The file of serials.") var file: String

                func run() async throws {
                    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read \(file)") }
                    let (service, actor) = try await options.open()
                    var ids: [String] = []
                    for serial in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !serial.isEmpty {
                        ids.append(try await service.weapon(serial: serial, make: nil, by: actor).id.description)
                    }
                    let event = try await service.planDestruction(
                        DestructionInput(method: method, place: place, plannedFor: date, weapons: ids),
                        by: actor
                    )
                    print(
                        "Planned destruction \(event.id): \(event.weapons.count) weapon(s), \(event.method.rawValue) at \(event.place) on \(event.plannedFor)."
                    )
                }
            }

            struct Record: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "Record a planned destruction as done, before at least two witnesses.")
                @OptionGroup var options: MemberOptions
                @Argument(help: "The destruction's ID.") var id: String
                @Option(help: "When it was done (YYYY-MM-DD).") var date: String
                @Option(help: "A witness; give at least two.") var witness: [String] = []

                func run() async throws {
                    guard let event = DestructionEvent.ID(id) else { throw ValidationError("'\(id)' is not a destruction's ID") }
                    guard let day = CalendarDate(date) else { throw ValidationError("--date must be YYYY-MM-DD") }
                    let (service, actor) = try await options.open()
                    let recorded = try await service.recordDestruction(event, on: day, witnesses: witness, by: actor)
                    print("Recorded destruction \(recorded.id) on \(day); it awaits an independent verifier.")
                }
            }

            struct Show: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "Print a destruction as JSON.")
                @OptionGroup var options: MemberOptions
                @Argument(help: "The destruction's ID.") var id: String

                func run() async throws {
                    guard let event = DestructionEvent.ID(id) else { throw ValidationError("'\(id)' is not a destruction's ID") }
                    let (service, actor) = try await options.open()
                    try printJSON(try await service.destruction(event, by: actor))
                }
            }
        }

        /// `armstrace stock report --member KEN [--from 2026-01-01] [--to 2026-12-31]`.
        struct Report: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The stockpile report for a period, as JSON.")
            @OptionGroup var options: MemberOptions
            @Option(help: "The first day (default: 1 January this year).") var from: String?
            @Option(help: "The last day (default: today).") var to: String?

            func run() async throws {
                let today = CalendarDate.today
                guard let start = from.map({ CalendarDate($0) }) ?? CalendarDate(year: today.year, month: 1, day: 1) else {
                    throw ValidationError("--from must be YYYY-MM-DD")
                }
                guard let end = to.map({ CalendarDate($0) }) ?? today else { throw ValidationError("--to must be YYYY-MM-DD") }
                let (service, actor) = try await options.open()
                try printJSON(try await service.report(from: start, to: end, by: actor))
            }
        }
    }
}
