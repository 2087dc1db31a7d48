"""Training and measuring the learned layer from the reference sets (``make modele``,
``make evaluer``): build tools above the front ends, never imported at run time."""
