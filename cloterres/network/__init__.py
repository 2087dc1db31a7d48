"""Actor network analysis: who collaborates with whom, homophily between milieux, brokers.

Readers turn actor and tie tables, roster survey workbooks and coded interviews into typed
records (:mod:`model`); :mod:`layers` builds one adjacency matrix per tie type; the measures live
in :mod:`measures`, :mod:`qap`, :mod:`brokerage` and :mod:`structural_holes`; :mod:`analysis`
puts them together and :mod:`outputs` / :mod:`picture` write the results.
"""
