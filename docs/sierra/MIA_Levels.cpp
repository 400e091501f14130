#include "sierrachart.h"

// MIA Levels for Sierra Chart (ACSIL custom study).
//
// Reads the levels CSV written by `mia data levels` (adapters/sierra/files/levels.py), header
//   label,price,kind,ts_utc,source,value
// and draws one horizontal line per row that has a price:
//   kind "support"     green dashed line        (support_resistance technique)
//   kind "resistance"  red dashed line          (support_resistance technique)
//   kind "gamma"       zero gamma purple, call walls green, put walls red, others orange (dealers_bias)
// Rows of kind "score" (bias_score, bias_confidence) have no price: their value is shown as text in
// the top right corner of the chart. The file is re-read every "Reload every N seconds" seconds, so
// `mia data levels --watch 30` moves the lines while Sierra Chart runs. Lines that disappear from the
// file are removed. Build steps: docs/adapters/sierra_files.md ("Overlays"). Not compiled in MIA's CI
// (Sierra Chart and its headers are Windows-only and not redistributable).

#include <fstream>
#include <sstream>
#include <string>

SCDLLName("MIA Levels")

static std::string Trim(const std::string& Text)
{
    const char* Blank = " \t\r\n";
    const size_t First = Text.find_first_not_of(Blank);
    if (First == std::string::npos)
        return std::string();
    const size_t Last = Text.find_last_not_of(Blank);
    return Text.substr(First, Last - First + 1);
}

static COLORREF ColorFor(const std::string& Kind, const std::string& Label)
{
    if (Kind == "support") return RGB(0, 170, 0);
    if (Kind == "resistance") return RGB(220, 0, 0);
    if (Kind == "gamma")
    {
        if (Label == "zero_gamma" || Label == "zero_gamma_ex_0dte") return RGB(160, 32, 240);
        if (Label == "call_wall" || Label == "call_oi_wall") return RGB(0, 120, 255);
        if (Label == "put_wall" || Label == "put_oi_wall") return RGB(255, 80, 80);
    }
    return RGB(255, 165, 0);
}

SCSFExport scsf_MIALevels(SCStudyInterfaceRef sc)
{
    SCInputRef InPath = sc.Input[0];
    SCInputRef InReloadSeconds = sc.Input[1];
    SCInputRef InShowGamma = sc.Input[2];
    SCInputRef InShowSupportResistance = sc.Input[3];
    SCInputRef InShowScore = sc.Input[4];
    const int FirstLineNumber = 73000;  // line numbers of this study's drawings: 73000 + row
    const int ScoreLineNumber = 73999;

    if (sc.SetDefaults)
    {
        sc.GraphName = "MIA Levels";
        sc.StudyDescription = "Support/resistance and dealer's-bias gamma levels written by mia data levels.";
        sc.AutoLoop = 0;
        sc.GraphRegion = 0;
        sc.UpdateAlways = 1;  // re-check the file on the reload timer even when no new trade arrives
        InPath.Name = "Levels CSV file";
        InPath.SetString("C:\\MIA\\levels.csv");
        InReloadSeconds.Name = "Reload every N seconds";
        InReloadSeconds.SetInt(30);
        InReloadSeconds.SetIntLimits(1, 86400);
        InShowGamma.Name = "Draw gamma levels";
        InShowGamma.SetYesNo(1);
        InShowSupportResistance.Name = "Draw support and resistance";
        InShowSupportResistance.SetYesNo(1);
        InShowScore.Name = "Show the bias score";
        InShowScore.SetYesNo(1);
        return;
    }

    double& LastLoad = sc.GetPersistentDouble(1);
    int& LinesDrawn = sc.GetPersistentInt(2);
    const double Now = sc.CurrentSystemDateTime.GetAsDouble();  // days
    if (!sc.IsFullRecalculation && LastLoad > 0 && (Now - LastLoad) * 86400.0 < InReloadSeconds.GetInt())
        return;
    LastLoad = Now;

    std::ifstream File(InPath.GetString());
    if (!File.is_open())
    {
        SCString Message;
        Message.Format("MIA Levels: cannot open %s", InPath.GetString());
        sc.AddMessageToLog(Message, 0);
        return;
    }
    std::string Line;
    std::getline(File, Line);  // header: label,price,kind,ts_utc,source,value
    int Count = 0;
    std::string ScoreText;
    while (std::getline(File, Line))
    {
        std::stringstream Fields(Line);
        std::string Label, Price, Kind, Stamp, Source, Value;
        std::getline(Fields, Label, ',');
        std::getline(Fields, Price, ',');
        std::getline(Fields, Kind, ',');
        std::getline(Fields, Stamp, ',');
        std::getline(Fields, Source, ',');
        std::getline(Fields, Value, ',');
        Label = Trim(Label); Price = Trim(Price); Kind = Trim(Kind); Stamp = Trim(Stamp); Value = Trim(Value);
        if (Kind == "score")
        {
            if (!Value.empty())
                ScoreText += Label + " " + Value + "  ";
            continue;
        }
        if (Price.empty())
            continue;
        if (Kind == "gamma" && !InShowGamma.GetYesNo())
            continue;
        if ((Kind == "support" || Kind == "resistance") && !InShowSupportResistance.GetYesNo())
            continue;
        s_UseTool Tool;
        Tool.Clear();
        Tool.ChartNumber = sc.ChartNumber;
        Tool.Region = 0;
        Tool.DrawingType = DRAWING_HORIZONTALLINE;
        Tool.LineNumber = FirstLineNumber + Count;
        Tool.BeginValue = (float)atof(Price.c_str());
        Tool.EndValue = Tool.BeginValue;
        Tool.Color = ColorFor(Kind, Label);
        Tool.LineWidth = Kind == "gamma" ? 2 : 1;
        Tool.LineStyle = Kind == "gamma" ? LINESTYLE_SOLID : LINESTYLE_DASH;
        Tool.Text = (Label + " " + Price).c_str();
        Tool.AddMethod = UTAM_ADD_OR_ADJUST;
        sc.UseTool(Tool);
        ++Count;
    }
    for (int Stale = Count; Stale < LinesDrawn; ++Stale)  // levels that disappeared since the last read
        sc.DeleteACSChartDrawing(sc.ChartNumber, TOOL_DELETE_CHARTDRAWING, FirstLineNumber + Stale);
    LinesDrawn = Count;

    if (InShowScore.GetYesNo() && !ScoreText.empty() && sc.ArraySize > 0)
    {
        s_UseTool Text;
        Text.Clear();
        Text.ChartNumber = sc.ChartNumber;
        Text.Region = 0;
        Text.DrawingType = DRAWING_TEXT;
        Text.LineNumber = ScoreLineNumber;
        Text.BeginIndex = sc.ArraySize - 1;
        Text.UseRelativeVerticalValues = 1;
        Text.BeginValue = 95;  // percent of the region's height
        Text.Color = RGB(255, 165, 0);
        Text.FontSize = 10;
        Text.Text = ("MIA " + ScoreText).c_str();
        Text.AddMethod = UTAM_ADD_OR_ADJUST;
        sc.UseTool(Text);
    }
}
