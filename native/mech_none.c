/* none: the measured process alone, the baseline of every overhead. */
#include "mechanism.h"

const struct tt_mechanism tt_mech_none = {
	.name = "none",
	.os = "any",
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
};
