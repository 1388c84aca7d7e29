"""The legal references explanation steps cite, in one place.

Numbers live in dated parameters (``tmec/law/params/usmca``); these are the
articles a step applies.  USMCA article numbers other than 4.2, 4.8 and 4.12
are from the treaty's structure as commonly cited (spec usmca.md s.9 item 1);
the statute and Uniform Regulations citations are verified.
"""

CRITERION_A = "USMCA Art. 4.2(a), 4.3; 19 USC 4531(c)(1)(A), (a)(4); UR s.3(1)(a)"
CRITERION_B = "USMCA Art. 4.2(b); 19 USC 4531(c)(1)(B); UR s.3(1)(b), s.3(6)"
CRITERION_C = "USMCA Art. 4.2(c); 19 USC 4531(c)(1)(C); UR s.3(1)(c)"
CRITERION_D = "USMCA Art. 4.2(d); 19 USC 4531(c)(1)(D); UR s.3(4)"
TARIFF_SHIFT = "USMCA Annex 4-B General Interpretative Note (d); UR s.3(1)(b), s.3 Example 3"
CTC_UNIT = "UR s.3(8)"
RVC_TV = "USMCA Art. 4.5(2); 19 USC 4531(d)(2); UR s.7(2)"
RVC_NC = "USMCA Art. 4.5(3); 19 USC 4531(d)(3); UR s.7(3)"
METHOD_CHOICE = "19 USC 4531(d)(1), (d)(5); UR s.7(1), s.7(6); HTSUS GN 11(c)(v)"
ADJUSTED_TV = "UR s.1 'adjusted to exclude any costs incurred in the international shipment', s.7(2)"
TOTAL_COST = "19 USC 4531(a)(25); UR s.1 'total cost', s.1(6)"
NET_COST = "19 USC 4531(a)(8), (a)(20)-(a)(23), (a)(10); UR s.1 'excluded costs', s.7(13)"
VNM = "19 USC 4531(d)(8); UR s.7(4), s.8(1); USMCA Art. 4.1 'value of non-originating materials'"
DEDUCTIONS = "19 USC 4531(d)(10); UR s.8(3) (deductions need documentary evidence)"
ROLL_UP = "19 USC 4531(d)(4)(A); UR s.7(4)"
SELF_PRODUCED = "UR s.7(5)(a), s.8(1)(c)"
INTERMEDIATE = "USMCA Art. 4.8; 19 USC 4531(d)(9); UR s.8(6)-(8)"
INTERMEDIATE_PROVISO = "USMCA Art. 4.8; UR s.8(6) proviso, s.8 Examples 5-6"
EXCLUDED_NOT_AGAIN = "UR s.7(13)(b)"
ACCUMULATION_NC = "USMCA Art. 4.11; 19 USC 4531(e); UR s.9(2)"
ACCUMULATION_TV = "USMCA Art. 4.11; 19 USC 4531(e); UR s.9(3)"
INDIRECT = "USMCA Art. 4.9; 19 USC 4531(a)(5), (k); UR s.8(13)"
PACKING = "USMCA Art. 4.17; 19 USC 4531(j); UR s.8(17)"
RETAIL_PACKAGING = "USMCA Art. 4.16; 19 USC 4531(i); UR s.8(14)-(16)"
ACCESSORIES = "USMCA Art. 4.14; 19 USC 4531(h); UR s.8(23)-(27)"
UNKNOWN_ORIGIN = (
    "USMCA Art. 4.1 'value of non-originating materials' (includes undetermined origin); UR s.7(21)"
)
WEIGHT_SHARE = "USMCA Annex 4-B (rule text: 'at least ... by weight ... is originating')"
DE_MINIMIS_EXCEPTIONS = "USMCA Annex 4-A; 19 USC 4531(f)(2)-(4); UR s.5(3), s.5(6)-(7)"
ALTERNATIVES = "UR s.3(6), s.5(2)"
AUTOMOTIVE = "USMCA Art. 4.10, Appendix to Annex 4-B; 19 USC 4532; UR Part 6"
