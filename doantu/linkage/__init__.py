"""Vietnamese-aware record linkage engine (plain Python, no Django).

Finds the registry record(s) a relative's or witness's description is about, and the registry rows that list one
martyr twice, with explainable, frequency-aware scores.

Modules, bottom up:

- ``constants``  every constant of name reading, scoring and decisions, each with where its value comes from
- ``normalize``  folding, accents, old/new tone placement, Telex/VNI keystroke repair
- ``names``      surname / middle / given (in whatever order written; ``other_readings`` when the order is in
                 doubt), Hoàng/Huỳnh and Vũ/Võ, surname typos, spacing repairs, aliases
- ``units``, ``ranks``, ``dates``  unit notations (c/d/e/f, spelled out, KB/hòm thư), ranks, partial dates
- ``places``     home places through ``gazetteer`` (another module); coarse places of death and burial
- ``records``    ``Record`` (the fields as text) and ``prepare(record) -> Features``
- ``frequency``  ``FrequencyModel``: value counts (incremental, serialisable) behind the weights
- ``keys``       ``record_keys`` / ``query_keys``: blocking keys, stable strings
- ``index``      ``CandidateStore`` protocol, ``DictStore`` reference, ``MemoryIndex`` (CSR, in process)
- ``table``      columnar storage of prepared records for vectorised scoring
- ``scoring``    ``Scorer``: Fellegi–Sunter weights per field and level, from ``scoring_base`` (levels, weights,
                 ``Evidence``), ``score_names`` (names), ``score_fields`` (the other fields) and ``explain``
                 (``Evidence`` in Vietnamese)
- ``people``     a text naming several people → one query each (``split_people``, ``search_people``)
- ``engine``     ``MemoryEngine`` (CLI, benchmarks) and ``Engine(store, source, freq)`` (database-backed)
- ``csvio``, ``__main__``  CSV reading and the command line (``python -m doantu.linkage match|dedupe|explain``)

Public API for a deployment that keeps its state in a database::

    from doantu.linkage.records import Record, prepare
    from doantu.linkage.keys import record_keys, query_keys          # -> list[str] / list[(str, weight)]
    from doantu.linkage.frequency import FrequencyModel, frequency_items
    from doantu.linkage.index import CandidateStore                   # add / remove / lookup / blocks
    from doantu.linkage.engine import Engine, Candidate, DedupeResult

    engine = Engine(store, source, freq)     # source.fetch(ids) -> Iterable[Record]
    engine.add(record) / engine.remove(record)               # keeps keys and counts current
    engine.search(query_record, top=10) -> list[Candidate]   # record_id, score, decision, probability, evidence
    engine.dedupe() -> DedupeResult                          # pairs (a, b, score, decision) and clusters
"""
