"""Safety dossier: off-targets, immunogenicity, packaging, integration, conditioning, class risks,
pre-existing antibodies and long-term follow-up, every statement with its source
(:mod:`genetx.safety.dossier`). Submodules are imported on first use."""
