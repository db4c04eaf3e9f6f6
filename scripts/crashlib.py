"""What the crash harnesses (scripts/crash-import, scripts/crash-export) share: the test file, running armstrace, a
new database per round on either store, and the checks of what a database kept."""
import os
import sqlite3
import subprocess
import urllib.parse

HEADER = ("external_ref,category,make,model,calibre,serial_number,country_of_manufacture,year_of_manufacture,import_country,"
          "import_year,status,event_date,event_country,markings,sharing,notes")


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write(HEADER + "\n")
        for i in range(rows):
            f.write(f"CRASH-{i},assault_rifle,Norinco,Type 56,7.62x39mm,{5_600_000 + i},CHN,1985,KEN,2001,seized,"
                    f"2024-05-0{i % 9 + 1},KEN,\"manufacture:Norinco 56-1 {5_600_000 + i}@receiver\",all,round trip\n")


def run(armstrace, *arguments, check=True):
    return subprocess.run([armstrace, *arguments], capture_output=True, text=True, check=check)


def count(armstrace, database, folder):
    """The number of KEN's records, read through an export (the same path an operator would use)."""
    out = os.path.join(folder, "count.csv")
    run(armstrace, "export", "--database", database, "--member", "KEN", "--output", out)
    with open(out) as f:
        refs = [line.split(",", 1)[0] for line in f.read().splitlines()[1:] if line]
    return refs


def integrity(armstrace, database):
    problems = []
    if not database.startswith("postgres"):
        with sqlite3.connect(database) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            problems.append(f"integrity_check: {result[:3]}")
    verified = run(armstrace, "audit", "verify", "--database", database, check=False)
    if verified.returncode != 0:
        problems.append("audit chain: " + (verified.stdout + verified.stderr).strip()[-300:])
    return problems


def new_database(base, folder, index):
    """A new SQLite file, or a new schema (made with psql) on the PostgreSQL server."""
    if base:
        schema = f"crash_{os.getpid()}_{index}"
        subprocess.run(["psql", base, "-qc", f"CREATE SCHEMA {schema}"], check=True, capture_output=True)
        parts = urllib.parse.urlsplit(base)
        query = urllib.parse.parse_qsl(parts.query) + [("schema", schema)]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    return os.path.join(folder, f"round-{index}.sqlite")


def drop(base, database):
    if base:
        schema = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(database).query))["schema"]
        subprocess.run(["psql", base, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=True, capture_output=True)
    elif os.path.exists(database):
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(database + suffix):
                os.remove(database + suffix)


def add_member(armstrace, database):
    run(armstrace, "member", "add", "KEN", "--name", "Kenya", "--database", database)


def checkpoint(database):
    """The last line the import's checkpoint holds (1, the header, when no batch was committed)."""
    sql = "SELECT coalesce(max(last_line), 1) FROM import_job"
    if database.startswith("postgres"):
        parts = urllib.parse.urlsplit(database)
        query = dict(urllib.parse.parse_qsl(parts.query))
        schema = query.pop("schema")
        base = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        out = subprocess.run(["psql", base, "-tAc", f"SET search_path TO {schema}; {sql}"], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[-1])
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchone()[0]
