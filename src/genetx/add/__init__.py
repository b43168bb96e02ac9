"""Gene addition: AAV and lentiviral transgene cassettes.

Modules
-------
elements
    The cited element library (ITRs, promoters, introns, polyA signals ...).
locate
    Find library elements in a plasmid or cassette sequence.
checks
    Plain re-evaluation of sequence constraints (CpG, GC windows, motifs, repeats, CAI),
    independent of the optimiser.
codon
    Codon optimisation with DNA Chisel (the only module that imports it).
rules
    Packaging and safety rules as specification objects (``evaluate`` -> score, locations,
    message).
cassette
    Assemble elements and a CDS into an annotated record.
oversize
    What to do when a CDS does not fit: shortened versions, dual-AAV split with a split
    intein, lentiviral vectors.
design
    The end-to-end designer used by the command line.

Nothing heavy is imported here; import the submodules you need.
"""
